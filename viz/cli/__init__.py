"""The `micrograd-nndl` command: its parser (`parser`, reading option values with `values`)
apart from its commands (`commands`), the terminal it writes to (`console`) and the book's demo
(`book_demo`)."""
