from visitplan.cli import main

main()
