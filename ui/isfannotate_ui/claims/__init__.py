"""Claims, stances and relations: their editors, panels and the controller."""
