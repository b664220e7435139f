/*
 * fcgi_min.c - the benchmark's ceiling: the smallest libfcgi responder,
 * answering a fixed JSON body.  make bench puts it behind the same nginx
 * as deskd, so every deskd figure can be given as a share of it.
 *
 *   bin/fcgi_min /path/to.sock [processes]
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fcgiapp.h>

int main(int argc, char **argv)
{
    static const char resp[] = "Status: 200 OK\r\nContent-Type: application/json\r\n"
                               "Content-Length: 32\r\n\r\n"
                               "{\"status\":\"success\",\"data\":true}";
    int procs = argc > 2 ? atoi(argv[2]) : 4;
    if (argc < 2 || procs < 1) {
        fprintf(stderr, "usage: fcgi_min SOCKET [PROCESSES]\n");
        return 2;
    }
    if (FCGX_Init() != 0)
        return 1;
    int fd = FCGX_OpenSocket(argv[1], 1024);
    if (fd < 0 || chmod(argv[1], 0666) != 0) {
        perror(argv[1]);
        return 1;
    }
    for (int i = 0; i < procs; i++) {
        if (fork() == 0) {
            FCGX_Request req;
            prctl(PR_SET_PDEATHSIG, SIGTERM); /* die with the parent */
            FCGX_InitRequest(&req, fd, 0);
            while (FCGX_Accept_r(&req) >= 0) {
                FCGX_PutStr(resp, (int)sizeof(resp) - 1, req.out);
                FCGX_Finish_r(&req);
            }
            _exit(0);
        }
    }
    while (wait(NULL) > 0)
        ;
    return 0;
}
