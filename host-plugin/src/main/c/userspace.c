/*
 * userspace: the plugin's launcher, the file runtimes execute. A CNI command goes to the plugin's daemon when one the
 * launcher may trust serves on USERSPACE_CNI_DAEMON_SOCKET (default /run/userspace-cni/daemon.sock); everything else
 * (no such daemon, USERSPACE_CNI_STANDALONE set, an operator's command) goes to userspace.d/jvm beside this file,
 * the shell script that starts the plugin's JVM. Either way it is one process, the one the runtime executed: a
 * forwarded command costs the node this program and the daemon's work, no shell and no JVM.
 *
 *   userspace                  with CNI_COMMAND set: forwards the command (environment, then stdin) and prints the
 *                              daemon's answer, or runs userspace.d/jvm with stdin untouched
 *   userspace daemon --check   whether a daemon it would forward to answers VERSION (the daemon pod's probe)
 *   userspace ARGS...          userspace.d/jvm's, and so the plugin's, command line
 *
 * Trusted means: a socket (not a link) of root's or the caller's, in a directory of theirs that no one else may
 * write to, beside a pid file naming a live process that runs the plugin's daemon. The protocol is PluginDaemon's:
 * NUL-terminated NAME=VALUE entries, an empty one, stdin; back come "<exit code> <stderr length>\n", stderr, and
 * one line of JSON or nothing. The request names this process, which the runtime executed and kills when it gives
 * up on the command.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

extern char **environ;

#define LAUNCHER_PID "USERSPACE_CNI_LAUNCHER_PID="
#define DAEMON_MARK "org.userspacecni.host.Maindaemon"
#define MAX_ANSWER (64 * 1024 * 1024)
#define DEFAULT_SOCKET "/run/userspace-cni/daemon.sock"

static int trusted_owner(const struct stat *st) {
    return st->st_uid == geteuid() || st->st_uid == 0;
}

/* Up to size bytes of a small file into buffer; their number, or -1. */
static ssize_t read_small(const char *path, char *buffer, size_t size) {
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        return -1;
    }
    size_t length = 0;
    ssize_t n;
    while (length < size && (n = read(fd, buffer + length, size - length)) != 0) {
        if (n < 0) {
            if (errno == EINTR) {
                continue;
            }
            close(fd);
            return -1;
        }
        length += (size_t) n;
    }
    close(fd);
    return (ssize_t) length;
}

/* Whether the daemon's pid file names a live process running the daemon: its command line, NULs dropped. */
static int daemon_runs(const char *socket_path) {
    char path[PATH_MAX + 8];
    char pid[32];
    if (snprintf(path, sizeof path, "%s.pid", socket_path) >= (int) sizeof path) {
        return 0;
    }
    ssize_t length = read_small(path, pid, sizeof pid - 1);
    if (length <= 0) {
        return 0;
    }
    pid[length] = '\0';
    size_t digits = strspn(pid, "0123456789");
    if (digits == 0 || (pid[digits] != '\n' && pid[digits] != '\0')) {
        return 0;
    }
    pid[digits] = '\0';
    snprintf(path, sizeof path, "/proc/%s/cmdline", pid);
    static char cmdline[64 * 1024];
    length = read_small(path, cmdline, sizeof cmdline - 1);
    if (length <= 0) {
        return 0;
    }
    size_t kept = 0;
    for (ssize_t i = 0; i < length; i++) {
        if (cmdline[i] != '\0') {
            cmdline[kept++] = cmdline[i];
        }
    }
    cmdline[kept] = '\0';
    return strstr(cmdline, DAEMON_MARK) != NULL;
}

static int daemon_answers(const char *socket_path) {
    struct stat st;
    if (lstat(socket_path, &st) != 0 || !S_ISSOCK(st.st_mode) || !trusted_owner(&st)) {
        return 0;
    }
    char dir[PATH_MAX];
    const char *slash = strrchr(socket_path, '/');
    if (slash == NULL) {
        strcpy(dir, ".");
    } else if (slash == socket_path) {
        strcpy(dir, "/");
    } else if ((size_t) (slash - socket_path) < sizeof dir) {
        memcpy(dir, socket_path, (size_t) (slash - socket_path));
        dir[slash - socket_path] = '\0';
    } else {
        return 0;
    }
    if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode) || !trusted_owner(&st) || (st.st_mode & (S_IWGRP | S_IWOTH))) {
        return 0;
    }
    return daemon_runs(socket_path);
}

static int write_all(int fd, const char *data, size_t length) {
    while (length > 0) {
        ssize_t n = write(fd, data, length);
        if (n < 0) {
            if (errno == EINTR) {
                continue;
            }
            return -1;
        }
        data += n;
        length -= (size_t) n;
    }
    return 0;
}

static int connect_to(const char *socket_path) {
    struct sockaddr_un address = {.sun_family = AF_UNIX};
    if (strlen(socket_path) >= sizeof address.sun_path) {
        return -1;
    }
    strcpy(address.sun_path, socket_path);
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd >= 0 && connect(fd, (struct sockaddr *) &address, sizeof address) != 0) {
        close(fd);
        return -1;
    }
    return fd;
}

/* Sends this process's environment, naming this process as the launcher, and the empty entry that ends it. */
static int send_environment(int fd) {
    for (char **entry = environ; *entry != NULL; entry++) {
        if (strncmp(*entry, LAUNCHER_PID, strlen(LAUNCHER_PID)) != 0
                && write_all(fd, *entry, strlen(*entry) + 1) != 0) {
            return -1;
        }
    }
    char launcher[64];
    int length = snprintf(launcher, sizeof launcher - 1, LAUNCHER_PID "%ld", (long) getpid());
    launcher[length + 1] = '\0';
    return write_all(fd, launcher, (size_t) length + 2);
}

/* Everything the daemon writes until it closes its side; NULL when it is more than an answer can be. */
static char *read_answer(int fd, size_t *length) {
    size_t capacity = 4096;
    char *answer = malloc(capacity);
    *length = 0;
    ssize_t n;
    while (answer != NULL) {
        if (*length == capacity) {
            capacity *= 2;
            char *larger = capacity <= MAX_ANSWER ? realloc(answer, capacity) : NULL;
            if (larger == NULL) {
                free(answer);
                return NULL;
            }
            answer = larger;
        }
        n = read(fd, answer + *length, capacity - *length);
        if (n == 0) {
            break;
        }
        if (n < 0) {
            if (errno == EINTR) {
                continue;
            }
            break; /* a reset connection: what came before it is the answer */
        }
        *length += (size_t) n;
    }
    return answer;
}

/* Splits "<code> <stderr length>\n": the offset of what follows, or 0 when the answer does not start so. */
static size_t answer_head(const char *answer, size_t length, long *code, size_t *stderr_length) {
    char *end;
    const char *newline = memchr(answer, '\n', length < 64 ? length : 64);
    if (newline == NULL || strspn(answer, "0123456789 ") != (size_t) (newline - answer)) {
        return 0;
    }
    *code = strtol(answer, &end, 10);
    if (end == answer || *end != ' ') {
        return 0;
    }
    const char *digits = end + 1;
    *stderr_length = strtoul(digits, &end, 10);
    if (end == digits || end != newline) {
        return 0;
    }
    return (size_t) (newline - answer) + 1;
}

/* A CNI error for the runtime, in the shape the plugin gives its own, the socket's path escaped for JSON. */
static int not_answered(const char *socket_path) {
    printf("{\"code\":11,\"msg\":\"the userspace daemon at ");
    for (const unsigned char *c = (const unsigned char *) socket_path; *c != '\0'; c++) {
        if (*c == '"' || *c == '\\') {
            printf("\\%c", *c);
        } else if (*c < 0x20) {
            printf("\\u%04x", *c);
        } else {
            putchar(*c);
        }
    }
    printf(" did not answer\"}\n");
    return 1;
}

static int forward(const char *socket_path) {
    int fd = connect_to(socket_path);
    if (fd < 0 || send_environment(fd) != 0) {
        return not_answered(socket_path);
    }
    char buffer[65536];
    ssize_t n;
    while ((n = read(STDIN_FILENO, buffer, sizeof buffer)) != 0) {
        if (n < 0) {
            if (errno == EINTR) {
                continue;
            }
            break;
        }
        if (write_all(fd, buffer, (size_t) n) != 0) {
            break; /* the daemon stopped reading: its answer says why */
        }
    }
    shutdown(fd, SHUT_WR);
    size_t length;
    char *answer = read_answer(fd, &length);
    long code;
    size_t stderr_length;
    size_t at = answer == NULL ? 0 : answer_head(answer, length, &code, &stderr_length);
    if (at == 0) {
        return not_answered(socket_path);
    }
    if (stderr_length > length - at) {
        stderr_length = length - at;
    }
    write_all(STDERR_FILENO, answer + at, stderr_length);
    at += stderr_length;
    /* The plugin's stdout is one line of JSON, or nothing. */
    if (at < length) {
        const char *end = memchr(answer + at, '\n', length - at);
        size_t line = end == NULL ? length - at : (size_t) (end - (answer + at));
        answer[at + line] = '\n';
        write_all(STDOUT_FILENO, answer + at, line + 1);
    }
    return (int) (code & 0xff);
}

/* The daemon pod's probe: true while a trusted daemon answers a VERSION request as it answers a CNI command's. */
static int check(const char *socket_path) {
    if (!daemon_answers(socket_path)) {
        fprintf(stderr, "userspace: no daemon the launcher would forward to on %s\n", socket_path);
        return 1;
    }
    static const char request[] = "CNI_COMMAND=VERSION\0";
    int fd = connect_to(socket_path);
    size_t length = 0;
    char *answer = NULL;
    if (fd >= 0 && write_all(fd, request, sizeof request) == 0) {
        shutdown(fd, SHUT_WR);
        answer = read_answer(fd, &length);
    }
    if (answer != NULL && length > 4 && memcmp(answer, "0 0\n{", 5) == 0
            && memmem(answer, length, "\"supportedVersions\"", 19) != NULL) {
        return 0;
    }
    fprintf(stderr, "userspace: the daemon on %s did not answer VERSION: %.*s\n", socket_path,
            answer == NULL ? 0 : (int) length, answer == NULL ? "" : answer);
    return 1;
}

/* Whether the variable is set to something. */
static int given(const char *name) {
    const char *value = getenv(name);
    return value != NULL && value[0] != '\0';
}

/*
 * Runs userspace.d/jvm beside this program's file (its real path, so that a link to the plugin works) with
 * these arguments; returns only when it cannot, having said why.
 */
static int start_jvm(char **argv) {
    static char script[PATH_MAX];
    static const char name[] = "userspace.d/jvm";
    ssize_t length = readlink("/proc/self/exe", script, sizeof script - 1);
    char *slash = length > 0 ? memrchr(script, '/', (size_t) length) : NULL;
    if (slash != NULL && (size_t) (slash + 1 - script) + sizeof name <= sizeof script) {
        memcpy(slash + 1, name, sizeof name);
        argv[0] = script;
        execv(script, argv);
    }
    int error = errno;
    fprintf(stderr, "userspace: cannot run %s: %s; reinstall the plugin with its userspace.d directory\n",
            slash != NULL ? script : name, strerror(error));
    if (given("CNI_COMMAND")) {
        printf("{\"code\":999,\"msg\":\"the userspace plugin cannot start its JVM: userspace.d/jvm cannot run\"}\n");
    }
    return 1;
}

int main(int argc, char **argv) {
    const char *socket_path = getenv("USERSPACE_CNI_DAEMON_SOCKET");
    if (socket_path == NULL) {
        socket_path = DEFAULT_SOCKET;
    }
    if (argc == 3 && strcmp(argv[1], "daemon") == 0 && strcmp(argv[2], "--check") == 0) {
        signal(SIGPIPE, SIG_IGN);
        return check(socket_path);
    }
    if (argc == 1 && given("CNI_COMMAND") && !given("USERSPACE_CNI_STANDALONE") && daemon_answers(socket_path)) {
        signal(SIGPIPE, SIG_IGN);
        return forward(socket_path);
    }
    return start_jvm(argv);
}
