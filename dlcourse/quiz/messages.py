"""Interface strings of the quizzes, in both languages (one table for widget and page)."""

MESSAGES: dict[str, dict[str, str]] = {
    "check": {"hu": "Ellenőrzés", "en": "Check"},
    "correct": {"hu": "Helyes!", "en": "Correct!"},
    "wrong": {"hu": "Nem egészen, próbáld újra.", "en": "Not quite, try again."},
    "hint": {"hu": "Tipp:", "en": "Hint:"},
    "no_answer": {"hu": "Előbb add meg a válaszodat.", "en": "Choose or type an answer first."},
    "not_a_number": {"hu": "Ez nem szám. Tizedesvessző és -pont is jó.",
                     "en": "That is not a number. A decimal point or comma both work."},
    "number_placeholder": {"hu": "Írj be egy számot", "en": "Type a number"},
    "text_placeholder": {"hu": "Írd be a választ", "en": "Type your answer"},
    "pick_all": {"hu": "Jelöld be az összes helyes választ.", "en": "Tick every correct answer."},
    "score": {"hu": "Helyes válaszok: {right} / {total}", "en": "Correct answers: {right} / {total}"},
    "new_numbers": {"hu": "Új számok", "en": "New numbers"},
    # The class session (coursetools/quizserver): the student's phone page and widget.
    "join_title": {"hu": "Csatlakozás a kvízhez", "en": "Join the quiz"},
    "name_label": {"hu": "Beceneved vagy Neptun-kódod", "en": "Your nickname or Neptun code"},
    "join": {"hu": "Csatlakozom", "en": "Join"},
    "language": {"hu": "Nyelv", "en": "Language"},
    "playing_as": {"hu": "Játékos: {name}", "en": "Playing as {name}"},
    "waiting": {"hu": "Várjuk, hogy az oktató elindítsa a következő kérdést…",
                "en": "Waiting for the instructor to start the next question…"},
    "question_of": {"hu": "{number}. kérdés / {total}", "en": "Question {number} of {total}"},
    "time_left": {"hu": "Hátralévő idő: {seconds} s", "en": "Time left: {seconds} s"},
    "submit": {"hu": "Beküldés", "en": "Submit"},
    "answer_received": {"hu": "Megkaptuk a válaszodat. Várd meg, amíg a kérdés lezárul.",
                        "en": "Your answer is in. Wait for the question to close."},
    "result_right": {"hu": "Helyes! +{points} pont", "en": "Correct! +{points} points"},
    "result_wrong": {"hu": "Ez most nem talált.", "en": "Not this time."},
    "result_none": {"hu": "Erre a kérdésre nem válaszoltál.", "en": "You did not answer this question."},
    "right_answer": {"hu": "A helyes válasz:", "en": "The right answer:"},
    "leaderboard": {"hu": "Ranglista", "en": "Leaderboard"},
    "your_place": {"hu": "Helyezésed: {rank}. ({players} játékosból), {score} pont",
                   "en": "Your place: {rank} of {players}, {score} points"},
    "points": {"hu": "pont", "en": "points"},
    "finished": {"hu": "Vége a kvíznek. Köszönjük a játékot!", "en": "The quiz is over. Thanks for playing!"},
    "connecting": {"hu": "Kapcsolódás a kvízszerverhez…", "en": "Connecting to the quiz server…"},
    "server_gone": {"hu": "A kvízszerver nem érhető el. Kérdezd meg az oktatót, fut-e még.",
                    "en": "The quiz server cannot be reached. Ask the instructor whether it is still running."},
    # The session's refusals: what went wrong and what to do, never the answer.
    "err_bad_json": {"hu": "A kérés nem érvényes JSON-objektum.", "en": "The request is not a valid JSON object."},
    "err_too_large": {"hu": "A kérés túl nagy (legfeljebb {limit} KiB lehet).",
                      "en": "The request is too large (at most {limit} KiB)."},
    "err_field": {"hu": "Hiányzó vagy hibás mező: {field}.", "en": "Missing or malformed field: {field}."},
    "err_name": {"hu": "Adj meg egy 1–24 karakteres nevet.", "en": "Give a name of 1 to 24 characters."},
    "err_name_taken": {
        "hu": "Ez a név már foglalt. Ha te vagy az, csatlakozz ugyanabból a böngészőből vagy "
              "notebookból, különben válassz másik nevet.",
        "en": "That name is taken. If it is you, rejoin from the same browser or notebook; "
              "otherwise pick another name."},
    "err_unknown_player": {"hu": "Ismeretlen játékos: csatlakozz újra.", "en": "Unknown player: join again."},
    "err_not_open": {"hu": "Ez a kérdés most nem fogad válaszokat.", "en": "This question is not open for answers."},
    "err_late": {"hu": "Lejárt az idő: a kérdés lezárult, ez a válasz már nem számít.",
                 "en": "Time is up: the question has closed, so this answer does not count."},
    "err_duplicate": {"hu": "Erre a kérdésre már válaszoltál; az első válaszod számít.",
                      "en": "You have already answered this question; your first answer counts."},
    "err_option": {"hu": "Válassz a felkínált lehetőségek közül.", "en": "Choose one of the options offered."},
    "err_options": {"hu": "Jelölj meg legalább egy lehetőséget, mindegyiket legfeljebb egyszer.",
                    "en": "Tick at least one option, each at most once."},
    "err_text": {"hu": "Írj be egy legfeljebb 200 karakteres választ.",
                 "en": "Type an answer of at most 200 characters."},
    "err_key": {"hu": "Ehhez oktatói kulcs kell.", "en": "This needs the instructor key."},
    "err_no_more": {"hu": "Nincs több kérdés.", "en": "There are no more questions."},
    "err_still_open": {"hu": "Előbb zárd le a nyitott kérdést.", "en": "Close the open question first."},
    "err_finished": {"hu": "A kvíz véget ért.", "en": "The quiz has ended."},
    "err_not_found": {"hu": "Nincs ilyen oldal.", "en": "No such page."},
    # The instructor view.
    "instructor_title": {"hu": "Oktatói nézet", "en": "Instructor view"},
    "join_at": {"hu": "Csatlakozás:", "en": "Join at"},
    "players_joined": {"hu": "{count} játékos csatlakozott", "en": "{count} player(s) joined"},
    "first_question": {"hu": "Első kérdés", "en": "First question"},
    "next_question": {"hu": "Következő kérdés", "en": "Next question"},
    "close_now": {"hu": "Kérdés lezárása", "en": "Close the question"},
    "end_quiz": {"hu": "Kvíz befejezése", "en": "End the quiz"},
    "answers_in": {"hu": "Beérkezett válaszok: {count} / {players}", "en": "Answers in: {count} of {players}"},
    "distribution": {"hu": "Így válaszolt a csoport", "en": "How the class answered"},
    "label_right": {"hu": "helyes", "en": "right"},
    "label_wrong": {"hu": "hibás", "en": "wrong"},
    "no_answer_given": {"hu": "nem válaszolt", "en": "no answer"},
    "own_numbers": {"hu": "Mindenki a saját számaival dolgozott.", "en": "Each student had their own numbers."},
    "download_csv": {"hu": "Eredmények letöltése (CSV)", "en": "Download the results (CSV)"},
    "lobby": {"hu": "Várjuk a játékosokat…", "en": "Waiting for players…"},
}


def message(key: str, lang: str, **values: object) -> str:
    """One interface string.

    >>> message("score", "hu", right=2, total=5)
    'Helyes válaszok: 2 / 5'
    """
    return MESSAGES[key][lang].format(**values)
