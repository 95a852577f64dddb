"""``python -m netx``: the same command line as the ``netx`` script."""

from netx.cli import main

if __name__ == "__main__":
    main()
