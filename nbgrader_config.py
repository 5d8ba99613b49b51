# nbgrader configuration of the course (run nbgrader from the repository root).
# The lab sources live in labs/<assignment>/<assignment>.ipynb, one assignment per lab
# and language (lab01_hu, lab01_en): a student hands in one notebook, in one language.
c = get_config()  # noqa: F821 (provided by nbgrader)

c.CourseDirectory.course_id = "dl-course"
c.CourseDirectory.source_directory = "labs"
c.CourseDirectory.release_directory = "release"

# The same stub in both languages: code is English in every notebook.
c.ClearSolutions.code_stub = {"python": "# YOUR CODE HERE\nraise NotImplementedError()"}
