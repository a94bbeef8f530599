"""Files on disk: written without ever losing one, found in the folders given, and when a
workbook was last saved."""
