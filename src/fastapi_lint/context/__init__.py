"""What the project is: the role of each file and the library versions it targets.

``roles`` classifies files (application, test, script, migration, generated, example);
``versions`` resolves the target versions and answers version gates; ``evidence`` scans a
file for code that only works on some versions. Each module is imported on its own.
"""
