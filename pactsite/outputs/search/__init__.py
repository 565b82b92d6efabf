"""The search index: what each page says (`text`) and the index files made from it (`index`)."""
