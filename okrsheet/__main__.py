from okrsheet.cli import main

main()
