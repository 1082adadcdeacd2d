from authcheck.cli.main import main

main()
