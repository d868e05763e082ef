from evalnlp.cli import main

main()
