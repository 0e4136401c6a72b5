/* A terminal for a Windows program under Wine, as mintty is one on Windows: the child's stdout is
   a named pipe named as MSYS2 names its ptys, which Rust's std takes for a terminal, and what
   the child writes there is copied to this program's stdout unchanged. Wine's own console would
   redraw the child's escape sequences as text. The child's keys come from the console it
   inherits, its size from the console too.

   wine pty-relay.exe PROGRAM [ARGUMENTS]   (stdout a pipe: ... | cat); exits with the child's
   status. */
#include <windows.h>
#include <stdio.h>

/* Ctrl-C and Ctrl-Break are the child's to answer, as a terminal passes them on and lives. */
static BOOL WINAPI pass_on(DWORD event)
{
    (void)event;
    return TRUE;
}

/* The command line after this program's own name. */
static char *arguments(char *line)
{
    if (*line == '"') {
        line++;
        while (*line && *line != '"')
            line++;
        if (*line)
            line++;
    } else {
        while (*line && *line != ' ' && *line != '\t')
            line++;
    }
    while (*line == ' ' || *line == '\t')
        line++;
    return line;
}

int main(void)
{
    char name[64], buffer[65536];
    SECURITY_ATTRIBUTES inherit = { sizeof inherit, NULL, TRUE };
    STARTUPINFOA start = { sizeof start };
    PROCESS_INFORMATION child;
    HANDLE pipe, end, out = GetStdHandle(STD_OUTPUT_HANDLE);
    DWORD n, written, status = 1;

    SetConsoleCtrlHandler(pass_on, TRUE);
    snprintf(name, sizeof name, "\\\\.\\pipe\\msys-%lu-pty0-to-master", GetCurrentProcessId());
    pipe = CreateNamedPipeA(name, PIPE_ACCESS_INBOUND, PIPE_TYPE_BYTE | PIPE_WAIT, 1, 0,
                            sizeof buffer, 0, NULL);
    end = CreateFileA(name, GENERIC_WRITE, 0, &inherit, OPEN_EXISTING, 0, NULL);
    if (pipe == INVALID_HANDLE_VALUE || end == INVALID_HANDLE_VALUE) {
        fprintf(stderr, "pty-relay: no pipe (%lu)\n", GetLastError());
        return 1;
    }
    start.dwFlags = STARTF_USESTDHANDLES;
    start.hStdInput = GetStdHandle(STD_INPUT_HANDLE);
    start.hStdOutput = end;
    start.hStdError = GetStdHandle(STD_ERROR_HANDLE);
    if (!CreateProcessA(NULL, arguments(GetCommandLineA()), NULL, NULL, TRUE, 0, NULL, NULL,
                        &start, &child)) {
        fprintf(stderr, "pty-relay: cannot start the program (%lu)\n", GetLastError());
        return 1;
    }
    CloseHandle(end);
    while (ReadFile(pipe, buffer, sizeof buffer, &n, NULL) && n > 0)
        if (!WriteFile(out, buffer, n, &written, NULL))
            break;
    WaitForSingleObject(child.hProcess, INFINITE);
    GetExitCodeProcess(child.hProcess, &status);
    return (int)status;
}
