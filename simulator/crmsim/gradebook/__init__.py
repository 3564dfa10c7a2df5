"""The instructor's course gradebook: a term of grading kept in one database.

``crmsim grade ... --db URL`` stores every result (:mod:`.record`); marks of written
answers (:mod:`.marks`), the roster and the term's rules (:mod:`.term`), overrides and
regrade requests (:mod:`.audit`) are added to the same database (:mod:`.store`). From it,
without running any notebook again: the gradebook (:mod:`.grades`), exports for Canvas,
Moodle, Blackboard and Excel (:mod:`.exports`), feedback files for an LMS's bulk upload
(:mod:`.bundles`) and item analysis (:mod:`.items`). Needs the ``grade`` extra.
"""
