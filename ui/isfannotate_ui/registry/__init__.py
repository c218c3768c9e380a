"""The actor registry (knowledge base): the picker, the panel, its dialogs and suggestions."""
