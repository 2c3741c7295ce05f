"""Apply fixes to files: choose them, apply them in rounds, check the result, write it safely.

A round applies every chosen fix whose edits do not overlap one already taken (earlier
fixes first); the others wait for the next round, when the file is linted again and
their rules recompute them against the new text. Rounds go on until nothing is left
to fix, at most ``max_rounds`` times. Each round's result must compile, or the round
is thrown away and fixing stops: a broken file is never written, and a file that does
not compile to begin with is never touched.

Edits are applied to the decoded text, whose line endings are the file's own, and the
text is encoded back with the file's encoding (BOM included). Files are replaced
atomically: a temporary file in the same folder, flushed to disk, given the original
file's mode, then ``os.replace``. An interrupted run leaves each file old or new.

``source`` fixes one text in rounds; ``files`` reads, fixes and lints files (the project
rules' fixes included) and lists what it did; ``writing`` replaces a file atomically.
"""
