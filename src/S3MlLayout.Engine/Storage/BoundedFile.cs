using System;
using System.ComponentModel;
using System.Globalization;
using System.IO;
using System.Runtime.InteropServices;
using System.Text;
using Microsoft.Win32.SafeHandles;
using S3MlLayout.Engine.Errors;

namespace S3MlLayout.Engine.Storage
{
    /// <summary>
    /// The one way the module reads a file it was given or keeps (templates, tenant files, saved plans, local records):
    /// only a regular file, and never more than a limit, whatever the file's length claims (issue 14: /dev/zero,
    /// FIFOs and /proc files report 0 bytes; a FIFO blocks in open(2)).
    /// On Unix the file is opened with O_NONBLOCK, so a FIFO cannot hang the open, and the kind is checked with fstat
    /// on that very descriptor (links followed, no window for a swap); on Windows device paths are refused and the
    /// opened handle must be a disk file (GetFileType). Then at most limit + 1 bytes are read. Errors quote no content.
    /// </summary>
    public static class BoundedFile
    {
        /// <summary>Reads a regular file of at most <paramref name="maxBytes"/> bytes. Over it, <paramref name="tooLarge"/> is thrown (given the size known).</summary>
        /// <exception cref="MlLayoutException">FileNotRegular, or what <paramref name="tooLarge"/> makes.</exception>
        /// <exception cref="IOException">The file cannot be opened or read (FileNotFoundException, ...).</exception>
        /// <exception cref="UnauthorizedAccessException">No permission to read it.</exception>
        public static byte[] ReadAllBytes(string path, int maxBytes, Func<long, Exception> tooLarge, string expected = "a file")
        {
            string full = Path.GetFullPath(path);
            byte[] buffer = IsWindows ? ReadWindows(full, maxBytes, expected) : ReadUnix(full, maxBytes, expected);
            if (buffer.Length > maxBytes)
            {
                long claimed = 0;
                try { claimed = new FileInfo(full).Length; } catch (Exception e) when (e is IOException || e is UnauthorizedAccessException) { }
                throw tooLarge(Math.Max(claimed, buffer.Length));
            }
            return buffer;
        }

        /// <summary>As <see cref="ReadAllBytes"/>, decoded as UTF-8 (a byte order mark dropped, as File.ReadAllText does).</summary>
        public static string ReadAllText(string path, int maxBytes, Func<long, Exception> tooLarge, string expected = "a file")
        {
            var bytes = ReadAllBytes(path, maxBytes, tooLarge, expected);
            int skip = bytes.Length >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF ? 3 : 0;
            return Encoding.UTF8.GetString(bytes, skip, bytes.Length - skip);
        }

        /// <summary>
        /// Refuses (FileNotRegular) anything but a regular file, links followed, reading at most one byte: for files
        /// that are streamed rather than read whole (Write-MlObject's uploads), so /dev/zero or a FIFO is never sent.
        /// </summary>
        public static void RequireRegular(string path, string expected)
        {
            string full = Path.GetFullPath(path);
            _ = IsWindows ? ReadWindows(full, 0, expected) : ReadUnix(full, 0, expected);
        }

        /// <summary>
        /// At most <paramref name="length"/> bytes of a regular file: from <paramref name="offset"/>, or its last
        /// <paramref name="length"/> bytes with <paramref name="fromEnd"/> (-VerifyContent on the local target). The
        /// same open as <see cref="ReadAllBytes"/> (no FIFO hang, FileNotRegular for anything else), then one seek.
        /// </summary>
        public static byte[] ReadRange(string path, long offset, int length, bool fromEnd, string expected = "a file")
        {
            string full = Path.GetFullPath(path);
            return IsWindows ? ReadRangeWindows(full, offset, length, fromEnd, expected) : ReadRangeUnix(full, offset, length, fromEnd, expected);
        }

        /// <summary>FileNotRegular: a device, FIFO, socket, directory or /proc-like file where a file was expected.</summary>
        internal static MlLayoutException NotRegular(string path, string kind, string expected) =>
            new MlLayoutException("FileNotRegular", ErrorKind.InvalidArgument, path,
                $"'{path}' is {kind}, not a regular file; S3MlLayout reads only regular files (here {expected}). " +
                "Point at the file itself, or replace the link or device with a regular file, then run again.");

        private static readonly bool IsWindows = RuntimeInformation.IsOSPlatform(OSPlatform.Windows);
        private static readonly bool IsMac = RuntimeInformation.IsOSPlatform(OSPlatform.OSX);

        // ---- Unix --------------------------------------------------------------------------------------------------

        private const int ChunkBytes = 64 * 1024;
        private const int EINTR = 4;

        /// <summary>
        /// Opens a file for reading and returns its descriptor, refusing (FileNotRegular) anything but a regular file,
        /// links followed. O_NONBLOCK: opening a FIFO (or a tty) returns at once instead of waiting for a writer; for
        /// a regular file it changes nothing. O_CLOEXEC: the descriptor never leaks into a child process. The type is
        /// checked on the open descriptor, so a file swapped after a check cannot get through.
        /// </summary>
        private static int OpenRegular(string path, string expected)
        {
            int flags = IsMac ? 0x0004 | 0x01000000 : 0x0800 | 0x80000;
            byte[] name = Encoding.UTF8.GetBytes(path + "\0");
            int fd;
            do fd = open(name, flags); while (fd < 0 && Marshal.GetLastWin32Error() == EINTR);
            if (fd < 0) throw OpenError(path, Marshal.GetLastWin32Error());
            try
            {
                int mode = ModeOf(fd, path);
                const int S_IFMT = 0xF000, S_IFREG = 0x8000;
                if ((mode & S_IFMT) != S_IFREG) throw NotRegular(path, DescribeMode(mode & S_IFMT), expected);
                return fd;
            }
            catch
            {
                close(fd);
                throw;
            }
        }

        private static byte[] ReadUnix(string path, int maxBytes, string expected)
        {
            int fd = OpenRegular(path, expected);
            try
            {
                // A regular file can still grow while it is read (or be a /proc-like file that reports 0 bytes):
                // the read stops one byte past the limit, whatever its length said.
                using var content = new MemoryStream();
                var chunk = new byte[ChunkBytes];
                while (content.Length <= maxBytes)
                {
                    int want = (int)Math.Min(chunk.Length, maxBytes + 1L - content.Length);
                    long got = read(fd, chunk, (IntPtr)want).ToInt64();
                    if (got < 0)
                    {
                        int errno = Marshal.GetLastWin32Error();
                        if (errno == EINTR) continue;
                        throw new IOException($"Cannot read '{path}': {new Win32Exception(errno).Message}.");
                    }
                    if (got == 0) break;
                    content.Write(chunk, 0, (int)got);
                }
                return content.ToArray();
            }
            finally
            {
                close(fd);
            }
        }

        private static byte[] ReadRangeUnix(string path, long offset, int length, bool fromEnd, string expected)
        {
            int fd = OpenRegular(path, expected);
            try
            {
                const int SEEK_SET = 0, SEEK_END = 2;
                long size = lseek(fd, 0, SEEK_END);
                if (size < 0) throw new IOException($"Cannot seek in '{path}': {new Win32Exception(Marshal.GetLastWin32Error()).Message}.");
                long start = fromEnd ? Math.Max(0, size - length) : Math.Min(offset, size);
                if (lseek(fd, start, SEEK_SET) < 0) throw new IOException($"Cannot seek in '{path}': {new Win32Exception(Marshal.GetLastWin32Error()).Message}.");
                var buffer = new byte[(int)Math.Min(length, size - start)];
                int done = 0;
                while (done < buffer.Length)
                {
                    var chunk = new byte[buffer.Length - done];
                    long got = read(fd, chunk, (IntPtr)chunk.Length).ToInt64();
                    if (got < 0)
                    {
                        int errno = Marshal.GetLastWin32Error();
                        if (errno == EINTR) continue;
                        throw new IOException($"Cannot read '{path}': {new Win32Exception(errno).Message}.");
                    }
                    if (got == 0) break;
                    Buffer.BlockCopy(chunk, 0, buffer, done, (int)got);
                    done += (int)got;
                }
                if (done < buffer.Length) Array.Resize(ref buffer, done);
                return buffer;
            }
            finally
            {
                close(fd);
            }
        }

        private static Exception OpenError(string path, int errno) => errno switch
        {
            2 => new FileNotFoundException($"The file '{path}' does not exist.", path),           // ENOENT
            20 => new DirectoryNotFoundException($"A folder on the path '{path}' does not exist."), // ENOTDIR
            13 or 1 => new UnauthorizedAccessException($"Access to '{path}' is denied."),            // EACCES, EPERM
            _ => new IOException($"Cannot open '{path}': {new Win32Exception(errno).Message}."),
        };

        /// <summary>
        /// st_mode of an open descriptor. struct stat differs by platform and netstandard2.0 has no managed stat, so
        /// it is read from a generous buffer at the offset of the platform's layout: linux-x64 24 (after st_dev,
        /// st_ino, st_nlink), linux-arm64 and other generic-ABI 64-bit Linux 16 (after st_dev, st_ino), macOS 4
        /// (a 16-bit st_mode after a 32-bit st_dev, in both the old and the 64-bit-inode layout). glibc before 2.33
        /// exports fstat only as __fxstat.
        /// </summary>
        private static int ModeOf(int fd, string path)
        {
            var stat = new byte[512];
            int result;
            try { result = fstat(fd, stat); }
            catch (EntryPointNotFoundException)
            {
                result = __fxstat(RuntimeInformation.ProcessArchitecture == Architecture.X64 ? 1 : 0, fd, stat);
            }
            if (result != 0) throw new IOException($"Cannot inspect '{path}': {new Win32Exception(Marshal.GetLastWin32Error()).Message}.");
            if (IsMac) return BitConverter.ToUInt16(stat, 4);
            int offset = RuntimeInformation.ProcessArchitecture switch
            {
                Architecture.X64 => 24,
                Architecture.Arm64 => 16,
                _ => throw new PlatformNotSupportedException($"Reading files safely is not supported on {RuntimeInformation.ProcessArchitecture} Linux."),
            };
            return BitConverter.ToInt32(stat, offset);
        }

        private static string DescribeMode(int type) => type switch
        {
            0x1000 => "a FIFO (named pipe)",
            0x2000 => "a character device",
            0x4000 => "a directory",
            0x6000 => "a block device",
            0xA000 => "a symbolic link",
            0xC000 => "a socket",
            _ => "a special file (type 0" + Convert.ToString(type >> 12, 8) + ")",
        };

        [DllImport("libc", SetLastError = true)]
        private static extern int open(byte[] path, int flags);

        [DllImport("libc", SetLastError = true)]
        private static extern IntPtr read(int fd, byte[] buffer, IntPtr count);

        [DllImport("libc", SetLastError = true)]
        private static extern int close(int fd);

        [DllImport("libc", SetLastError = true)]
        private static extern long lseek(int fd, long offset, int whence);

        [DllImport("libc", SetLastError = true)]
        private static extern int fstat(int fd, byte[] buffer);

        [DllImport("libc", SetLastError = true)]
        private static extern int __fxstat(int version, int fd, byte[] buffer);

        // ---- Windows -----------------------------------------------------------------------------------------------

        private static byte[] ReadWindows(string path, int maxBytes, string expected)
        {
            // The device namespaces (\\.\, \\?\ not followed by a drive) name pipes, consoles and devices, not files.
            bool drivePath = path.Length > 6 && path.StartsWith(@"\\?\", StringComparison.Ordinal) && path[5] == ':';
            if (path.StartsWith(@"\\.\", StringComparison.Ordinal) || (path.StartsWith(@"\\?\", StringComparison.Ordinal) && !drivePath))
                throw NotRegular(path, "a device path", expected);
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1, FileOptions.SequentialScan);
            const int FILE_TYPE_DISK = 1;
            if (GetFileType(stream.SafeFileHandle) != FILE_TYPE_DISK) throw NotRegular(path, "a device or pipe", expected);
            if ((File.GetAttributes(path) & FileAttributes.Device) != 0) throw NotRegular(path, "a device", expected);
            using var content = new MemoryStream();
            var chunk = new byte[ChunkBytes];
            while (content.Length <= maxBytes)
            {
                int got = stream.Read(chunk, 0, (int)Math.Min(chunk.Length, maxBytes + 1L - content.Length));
                if (got == 0) break;
                content.Write(chunk, 0, got);
            }
            return content.ToArray();
        }

        private static byte[] ReadRangeWindows(string path, long offset, int length, bool fromEnd, string expected)
        {
            bool drivePath = path.Length > 6 && path.StartsWith(@"\\?\", StringComparison.Ordinal) && path[5] == ':';
            if (path.StartsWith(@"\\.\", StringComparison.Ordinal) || (path.StartsWith(@"\\?\", StringComparison.Ordinal) && !drivePath))
                throw NotRegular(path, "a device path", expected);
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1, FileOptions.RandomAccess);
            const int FILE_TYPE_DISK = 1;
            if (GetFileType(stream.SafeFileHandle) != FILE_TYPE_DISK) throw NotRegular(path, "a device or pipe", expected);
            if ((File.GetAttributes(path) & FileAttributes.Device) != 0) throw NotRegular(path, "a device", expected);
            long size = stream.Length;
            long start = fromEnd ? Math.Max(0, size - length) : Math.Min(offset, size);
            stream.Position = start;
            var buffer = new byte[(int)Math.Min(length, size - start)];
            int done = 0;
            while (done < buffer.Length)
            {
                int got = stream.Read(buffer, done, buffer.Length - done);
                if (got == 0) break;
                done += got;
            }
            if (done < buffer.Length) Array.Resize(ref buffer, done);
            return buffer;
        }

        [DllImport("kernel32.dll", SetLastError = true)]
        private static extern int GetFileType(SafeFileHandle handle);

        internal static string Bytes(long bytes) => bytes.ToString("N0", CultureInfo.InvariantCulture);
    }
}
