"""What a refresh shows: the plan of every cell of Dashboard, History and Checks (:mod:`.plan`), where each
block sits (:mod:`.layout`), and the report in the terminal (:mod:`.console`, :mod:`.console_text`)."""
