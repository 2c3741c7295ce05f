from fastapi_lint.launch import main

main()
