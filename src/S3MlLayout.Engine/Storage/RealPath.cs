using System;
using System.Collections.Generic;
using System.ComponentModel;
using System.IO;
using System.Runtime.InteropServices;
using System.Text;
using Microsoft.Win32.SafeHandles;
using S3MlLayout.Engine.Errors;

namespace S3MlLayout.Engine.Storage
{
    /// <summary>
    /// The real path of a path: every symbolic link (or Windows reparse point) in it followed, '.' and '..' applied.
    /// netstandard2.0 has no FileSystemInfo.LinkTarget, so links are read with readlink(2) on Unix and with
    /// GetFinalPathNameByHandle on Windows. Unlike realpath(3), a path whose tail does not exist still resolves
    /// (the missing components are taken as they are), and so does a dangling link, to where it points: that is
    /// where writing through it would land.
    /// </summary>
    internal static class RealPath
    {
        /// <summary>As many links as Linux follows before ELOOP.</summary>
        private const int MaxLinks = 40;

        private static readonly bool IsWindows = RuntimeInformation.IsOSPlatform(OSPlatform.Windows);

        /// <summary>How paths compare on this platform (Windows file systems ignore case).</summary>
        public static StringComparison Comparison => IsWindows ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal;

        public static string Resolve(string path)
        {
            string full = Path.GetFullPath(path);
            string root = Path.GetPathRoot(full)!;
            var pending = new Stack<string>();
            Push(pending, full.Substring(root.Length));
            var resolved = new List<string>();
            int links = 0;
            while (pending.Count > 0)
            {
                string part = pending.Pop();
                if (part.Length == 0 || part == ".") continue;
                if (part == "..")
                {
                    if (resolved.Count > 0) resolved.RemoveAt(resolved.Count - 1);
                    continue;
                }
                string candidate = Join(root, resolved, part);
                string? target = ReadLink(candidate);
                if (target == null)
                {
                    resolved.Add(part);
                    continue;
                }
                if (++links > MaxLinks)
                    throw new MlLayoutException("PathLinkLoop", ErrorKind.InvalidData, path,
                        $"'{path}' goes through more than {MaxLinks} symbolic links (a loop?); fix the links, then run again.");
                // A relative target is relative to the link's directory (what is resolved so far); an absolute one starts over.
                if (Path.IsPathRooted(target))
                {
                    root = Path.GetPathRoot(target)!;
                    resolved.Clear();
                    target = target.Substring(root.Length);
                }
                Push(pending, target);
            }
            return Join(root, resolved, null);
        }

        /// <summary>True when <paramref name="path"/> is <paramref name="directory"/> or below it (both real paths).</summary>
        public static bool IsUnder(string path, string directory)
        {
            string trimmed = directory.TrimEnd(Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar);
            if (string.Equals(path.TrimEnd(Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar), trimmed, Comparison)) return true;
            return path.StartsWith(trimmed + Path.DirectorySeparatorChar, Comparison);
        }

        /// <summary>Whether the entry itself (not what it points to) is a symbolic link or other reparse point.</summary>
        public static bool IsLink(FileSystemInfo entry) => (entry.Attributes & FileAttributes.ReparsePoint) != 0;

        private static void Push(Stack<string> pending, string relative)
        {
            var parts = relative.Split(new[] { Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar }, StringSplitOptions.RemoveEmptyEntries);
            for (int i = parts.Length - 1; i >= 0; i--) pending.Push(parts[i]);
        }

        private static string Join(string root, List<string> parts, string? last)
        {
            var builder = new StringBuilder(root);
            foreach (var part in parts)
            {
                if (builder.Length > 0 && builder[builder.Length - 1] != Path.DirectorySeparatorChar) builder.Append(Path.DirectorySeparatorChar);
                builder.Append(part);
            }
            if (last != null)
            {
                if (builder.Length > 0 && builder[builder.Length - 1] != Path.DirectorySeparatorChar) builder.Append(Path.DirectorySeparatorChar);
                builder.Append(last);
            }
            return builder.ToString();
        }

        /// <summary>The target of a link, or null when <paramref name="path"/> is not a link (or does not exist).</summary>
        private static string? ReadLink(string path) => IsWindows ? ReadLinkWindows(path) : ReadLinkUnix(path);

        private static string? ReadLinkUnix(string path)
        {
            // UTF-8 and NUL-terminated by hand: netstandard2.0 has no UnmanagedType.LPUTF8Str.
            byte[] name = Encoding.UTF8.GetBytes(path + "\0");
            var buffer = new byte[4096];
            while (true)
            {
                long length = readlink(name, buffer, (IntPtr)buffer.Length).ToInt64();
                if (length < 0) return null; // EINVAL: not a link; ENOENT, ENOTDIR: nothing there to follow
                if (length < buffer.Length) return Encoding.UTF8.GetString(buffer, 0, (int)length);
                buffer = new byte[buffer.Length * 2];
            }
        }

        [DllImport("libc", SetLastError = true)]
        private static extern IntPtr readlink(byte[] path, byte[] buffer, IntPtr size);

        private static string? ReadLinkWindows(string path)
        {
            FileAttributes attributes;
            try { attributes = File.GetAttributes(path); } // does not follow the reparse point
            catch (Exception e) when (e is IOException || e is UnauthorizedAccessException || e is ArgumentException || e is NotSupportedException) { return null; }
            if ((attributes & FileAttributes.ReparsePoint) == 0) return null;
            using var handle = CreateFileW(path, 0, 7 /* share read, write, delete */, IntPtr.Zero, 3 /* OPEN_EXISTING */, 0x02000000 /* FILE_FLAG_BACKUP_SEMANTICS: directories too */, IntPtr.Zero);
            // A link that cannot be opened (dangling, no access) cannot be shown to stay inside: treat it as leaving.
            if (handle.IsInvalid) return @"\\?\unresolvable-link\" + Path.GetFileName(path);
            var buffer = new StringBuilder(1024);
            uint length = GetFinalPathNameByHandleW(handle, buffer, (uint)buffer.Capacity, 0);
            if (length > buffer.Capacity)
            {
                buffer = new StringBuilder((int)length);
                length = GetFinalPathNameByHandleW(handle, buffer, (uint)buffer.Capacity, 0);
            }
            if (length == 0) throw new Win32Exception(Marshal.GetLastWin32Error());
            string final = buffer.ToString();
            if (final.StartsWith(@"\\?\UNC\", StringComparison.Ordinal)) final = @"\\" + final.Substring(8);
            else if (final.StartsWith(@"\\?\", StringComparison.Ordinal)) final = final.Substring(4);
            // Reparse points that are not links (deduplicated or cloud files) resolve to themselves.
            return string.Equals(final.TrimEnd('\\'), path.TrimEnd('\\'), StringComparison.OrdinalIgnoreCase) ? null : final;
        }

        [DllImport("kernel32.dll", CharSet = CharSet.Unicode, SetLastError = true)]
        private static extern SafeFileHandle CreateFileW(string name, uint access, uint share, IntPtr security, uint disposition, uint flags, IntPtr template);

        [DllImport("kernel32.dll", CharSet = CharSet.Unicode, SetLastError = true)]
        private static extern uint GetFinalPathNameByHandleW(SafeFileHandle handle, StringBuilder path, uint length, uint flags);
    }
}
