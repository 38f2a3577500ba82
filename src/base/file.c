/* file.c — files created 0600 (file.h). */
#include "base/file.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Narrows an open regular file to 0600 when others may read or write it (a device such as
 * /dev/stdout is left alone). */
static int narrow(int fd)
{
    struct stat sb;
    if (fstat(fd, &sb) != 0) return -1;
    if (S_ISREG(sb.st_mode) && (sb.st_mode & 077) && fchmod(fd, 0600) != 0) return -1;
    return 0;
}

static int open_private(const char *path, int flags)
{
    int fd = open(path, flags | O_CREAT | O_CLOEXEC, 0600);
    if (fd < 0) return -1;
    if (narrow(fd) != 0) {
        int e = errno;
        close(fd);
        errno = e;
        return -1;
    }
    return fd;
}

FILE *jy_fopen_private(const char *path, const char *mode)
{
    int append = mode && mode[0] == 'a';
    if (!mode || (mode[0] != 'w' && mode[0] != 'a') || strchr(mode, '+')) {
        errno = EINVAL;
        return NULL;
    }
    /* narrowed before truncating: the old content is never readable under the new name's
     * wider mode while we write */
    int fd = open_private(path, O_WRONLY | (append ? O_APPEND : 0));
    if (fd < 0) return NULL;
    if (!append && ftruncate(fd, 0) != 0) {
        struct stat sb;
        /* a device or pipe cannot be truncated, and need not be */
        if (fstat(fd, &sb) != 0 || S_ISREG(sb.st_mode)) {
            int e = errno;
            close(fd);
            errno = e;
            return NULL;
        }
    }
    FILE *f = fdopen(fd, append ? "a" : "w");
    if (!f) {
        int e = errno;
        close(fd);
        errno = e;
    }
    return f;
}

int jy_file_create_if_missing(const char *path)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0) return errno == EEXIST ? 0 : -1;
    return close(fd);
}

int jy_file_make_private(const char *path)
{
    int fd = open_private(path, O_WRONLY);
    if (fd < 0) return -1;
    return close(fd);
}
