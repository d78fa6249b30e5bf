"""Both passes one step at a time (`stepper`), the graph as a table (`text`), and the chain
rule written out path by path (`chain_rule`): readers of the engine's one backward walk."""
