// Engine operators live here (issue 3).
