"""Left over from Python 2."""


def greet(name):
    print "hello", name
