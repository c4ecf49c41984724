using System;
using System.Text;
using S3MlLayout.Engine.Errors;

namespace S3MlLayout.Engine.Naming
{
    /// <summary>What S3 (and a local file system standing in for it) accepts as one folder name in a key.</summary>
    public static class S3KeyRules
    {
        public const int MaxKeyBytes = 1024;

        /// <summary>Null when the segment is usable; otherwise why not.</summary>
        public static string? CheckSegment(string segment)
        {
            if (segment.Length == 0) return "a folder name cannot be empty";
            if (segment == "." || segment == "..") return $"'{segment}' is not a folder name";
            foreach (char c in segment)
            {
                if (c == '/' || c == '\\') return $"'{segment}' contains '{c}'; give one folder per node instead of a path";
                if (char.IsControl(c)) return $"'{segment}' contains a control character (U+{(int)c:X4})";
                // Characters AWS lists as ones to avoid in keys; they break URLs, shells and Windows paths.
                if ("{}^%`[]\"<>~#|:*?".IndexOf(c) >= 0) return $"'{segment}' contains '{c}', which S3 advises against in keys";
            }
            if (Encoding.UTF8.GetByteCount(segment) > 255) return $"'{segment}' is longer than 255 bytes";
            return null;
        }

        /// <summary>The prefix S3MlLayout keeps its own records under (declared layouts, audit log): never a user folder.</summary>
        public const string ReservedPrefix = ".s3mllayout/";

        /// <summary>The top-level folder every solution lives under (solutions/{solution}/).</summary>
        public const string SolutionsFolder = "solutions";

        /// <summary>
        /// Whether a key (relative to the bucket root) is at or under .s3mllayout/. Case and trailing dots or spaces
        /// are ignored, because on Windows and macOS the local target would store those as the same directory.
        /// </summary>
        public static bool IsReserved(string key)
        {
            string first = key.TrimStart('/').Split('/')[0].TrimEnd('.', ' ');
            return string.Equals(first + "/", ReservedPrefix, StringComparison.OrdinalIgnoreCase);
        }

        public static MlLayoutException Reserved(string key, ErrorKind kind, string? target = null) =>
            new MlLayoutException("KeyReserved", kind, target ?? key,
                $"'{key}' is at or under {ReservedPrefix}, which S3MlLayout reserves for its own records (declared layouts and the audit log); choose another folder name.");

        public static string? CheckKey(string key)
        {
            int bytes = Encoding.UTF8.GetByteCount(key);
            return bytes > MaxKeyBytes ? $"the key is {bytes} bytes of UTF-8, {bytes - MaxKeyBytes} over S3's {MaxKeyBytes}-byte limit" : null;
        }
    }
}
