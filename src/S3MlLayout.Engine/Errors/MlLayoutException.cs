using System;
using System.Collections.Generic;
using System.Linq;

namespace S3MlLayout.Engine.Errors
{
    /// <summary>What kind of failure an error is; the cmdlets map it onto PowerShell's ErrorCategory.</summary>
    public enum ErrorKind
    {
        InvalidArgument,
        InvalidData,
        ObjectNotFound,
        ResourceExists,
        PermissionDenied,
        ConnectionError,
        WriteError,
        ReadError,
        OperationStopped,
        LimitsExceeded,
        NotSpecified,
    }

    /// <summary>
    /// Every failure the engine reports: a stable <see cref="ErrorId"/> scripts can match, a kind, the thing that
    /// failed (S3 URI, path or file:line:column) and a message that says what to do. Messages quote keys, names and
    /// service replies read from a bucket or a file, and end up on a terminal and in CI logs: their control characters
    /// (ESC sequences, line breaks) are shown as escapes (<see cref="TerminalText"/>), here, once for every
    /// error. <see cref="Target"/> stays the exact URI or path, for scripts.
    /// </summary>
    public class MlLayoutException : Exception
    {
        public MlLayoutException(string errorId, ErrorKind kind, string? target, string message, Exception? inner = null)
            : base(TerminalText.Of(message), inner)
        {
            ErrorId = errorId;
            Kind = kind;
            Target = target;
        }

        /// <summary>
        /// A message of several lines (a stale plan's differences): each line is escaped on its own and the lines are
        /// joined by line breaks, so the engine's own layout survives while no quoted text can start a line.
        /// </summary>
        internal MlLayoutException(string errorId, ErrorKind kind, string? target, IEnumerable<string> lines, Exception? inner = null)
            : base(string.Join(Environment.NewLine, lines.Select(TerminalText.Of)), inner)
        {
            ErrorId = errorId;
            Kind = kind;
            Target = target;
        }

        public string ErrorId { get; }
        public ErrorKind Kind { get; }
        public string? Target { get; }
    }

    /// <summary>
    /// A conditional write found the key changed since it was read (or present when it should be absent): another run
    /// got there first. Callers re-read and decide again; nothing was overwritten.
    /// </summary>
    public sealed class ObjectChangedException : MlLayoutException
    {
        public ObjectChangedException(string target, string condition, Exception? inner = null)
            : base("ObjectChanged", ErrorKind.ResourceExists, target,
                $"'{target}' changed while this run was working ({condition} failed): another run wrote it. Run the command again to work from the new state.", inner)
        {
        }
    }

    /// <summary>A template problem, located in its YAML source.</summary>
    public sealed class TemplateException : MlLayoutException
    {
        public TemplateException(string errorId, string source, int line, int column, string message, Exception? inner = null)
            : this(errorId, ErrorKind.InvalidData, source, line, column, message, inner)
        {
        }

        /// <summary>A template problem of another kind than InvalidData: LimitsExceeded for the bounds of <c>TemplateLimits</c>.</summary>
        public TemplateException(string errorId, ErrorKind kind, string source, int line, int column, string message, Exception? inner = null)
            : base(errorId, kind, FormatLocation(source, line, column), FormatLocation(source, line, column) + ": " + message, inner)
        {
            File = source;
            Line = line;
            Column = column;
        }

        /// <summary>The template file (or built-in template name) the problem is in.</summary>
        public string File { get; }
        public int Line { get; }
        public int Column { get; }

        private static string FormatLocation(string source, int line, int column) =>
            line > 0 ? $"{source}:{line}:{column}" : source;
    }
}
