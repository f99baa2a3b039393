"""Drawing helpers with no widgets: numbers, colours, diagram edges and layouts, the
boundary's cells, equations and the words of the help and status lines."""
