print("a script whose name cannot be imported")
