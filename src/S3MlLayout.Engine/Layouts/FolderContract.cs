using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json.Serialization;
using System.Text.RegularExpressions;

namespace S3MlLayout.Engine.Layouts
{
    /// <summary>
    /// What belongs in a folder: the formats it accepts, whether files may lie in it directly, who produces and
    /// consumes it, what triggers it and what it triggers, and example file names (seed 001's stage table).
    /// On a <see cref="FolderSpec"/> it is what the template declares, where null means "inherit"; on a
    /// <see cref="FolderNode"/> it is the effective contract, every inheritance already applied.
    /// </summary>
    public sealed class FolderContract
    {
        /// <summary>The word that accepts every format.</summary>
        public const string AnyFormat = "any";

        /// <summary>
        /// Accepted formats as file-name suffixes, lowercase with their leading dot (".csv", ".csv.gz"), or
        /// <see cref="AnyFormat"/>. Null on a spec: inherited from the parent folder (the root default is any).
        /// </summary>
        public IReadOnlyList<string>? Formats { get; set; }

        /// <summary>
        /// Whether files may lie in this folder itself (in its date leaves, for a date-partitioned folder). False keeps
        /// it for sub-folders only. Null on a spec: files are allowed exactly where the folder has no declared
        /// sub-folders, or is date-partitioned. Never inherited: data/ holding sub-folders only says nothing of data/raw/.
        /// </summary>
        public bool? Files { get; set; }

        /// <summary>Who or what writes into the folder. Inherited when null.</summary>
        public IReadOnlyList<string>? Producers { get; set; }
        /// <summary>Who or what reads from it. Inherited when null.</summary>
        public IReadOnlyList<string>? Consumers { get; set; }
        /// <summary>What makes data arrive here. Inherited when null.</summary>
        public IReadOnlyList<string>? TriggeredBy { get; set; }
        /// <summary>What the arrival of data here sets off. Inherited when null.</summary>
        public IReadOnlyList<string>? Triggers { get; set; }
        /// <summary>Example file names. Never inherited: an example belongs to the folder that names it.</summary>
        public IReadOnlyList<string>? Examples { get; set; }

        /// <summary>True when every format is accepted (no formats declared up the chain, or "any").</summary>
        [JsonIgnore]
        public bool AcceptsAnyFormat
        {
            get
            {
                // A loop, not LINQ: asked once per object by the object rules, millions of times.
                if (Formats == null || Formats.Count == 0) return true;
                for (int i = 0; i < Formats.Count; i++)
                    if (string.Equals(Formats[i], AnyFormat, StringComparison.OrdinalIgnoreCase)) return true;
                return false;
            }
        }

        /// <summary>True when the contract declares nothing at all.</summary>
        [JsonIgnore]
        public bool IsEmpty => Formats == null && Files == null && Producers == null && Consumers == null && TriggeredBy == null && Triggers == null && Examples == null;

        /// <summary>
        /// The declared format a file name matches, the longest suffix winning (".csv.gz" before ".gz"); "any" when
        /// every format is accepted; null when the name matches none. A name that is only the suffix (".csv") matches nothing.
        /// </summary>
        public string? MatchFormat(string fileName)
        {
            if (AcceptsAnyFormat) return AnyFormat;
            string? best = null;
            for (int i = 0; i < Formats!.Count; i++)
            {
                string format = Formats[i];
                if (fileName.Length > format.Length && fileName.EndsWith(format, StringComparison.OrdinalIgnoreCase) && (best == null || format.Length > best.Length))
                    best = format;
            }
            return best;
        }

        /// <summary>Whether a file of that name is of an accepted format (says nothing of where it lies).</summary>
        public bool Accepts(string fileName) => MatchFormat(fileName) != null;

        /// <summary>A format as written in a template ("csv", ".CSV", "csv.gz") in its normal form (".csv", ".csv.gz").</summary>
        public static string NormaliseFormat(string format)
        {
            var text = format.Trim().ToLowerInvariant();
            if (text == AnyFormat || text == "*") return AnyFormat;
            return text.StartsWith(".", StringComparison.Ordinal) ? text : "." + text;
        }

        /// <summary>Longest format, dot included (".safetensors" is 12; compound ones such as ".tar.gz" fit easily).</summary>
        public const int MaxFormatLength = 32;

        // One to four dot-separated parts of lowercase letters, digits, '_' or '-': .csv, .csv.gz, .tar.gz, .pb_txt.
        private static readonly Regex FormatPattern = new Regex(@"^(\.[a-z0-9][a-z0-9_-]*){1,4}$", RegexOptions.CultureInvariant);

        /// <summary>What is wrong with a format as written (null when it is a valid format or "any").</summary>
        public static string? FormatProblem(string format)
        {
            var normal = NormaliseFormat(format);
            if (normal == AnyFormat) return null;
            if (normal.Length > MaxFormatLength)
                return $"format '{format}' is longer than {MaxFormatLength} characters; a format is a file-name suffix such as csv or csv.gz";
            return FormatPattern.IsMatch(normal) ? null
                : $"format '{format}' is not a file-name suffix: write the extension without wildcards or paths, such as csv, csv.gz or tar.gz (lowercase letters, digits, '_' and '-', parts joined by dots), or 'any'";
        }

        /// <summary>The effective contract of a folder: its own declarations over its parent's effective contract.</summary>
        public static FolderContract Resolve(FolderContract? declared, FolderContract? parent, bool hasSubFolders, bool datePartitioned) => new FolderContract
        {
            Formats = declared?.Formats ?? parent?.Formats,
            Files = declared?.Files ?? (!hasSubFolders || datePartitioned),
            Producers = declared?.Producers ?? parent?.Producers,
            Consumers = declared?.Consumers ?? parent?.Consumers,
            TriggeredBy = declared?.TriggeredBy ?? parent?.TriggeredBy,
            Triggers = declared?.Triggers ?? parent?.Triggers,
            Examples = declared?.Examples,
        };

        /// <summary>
        /// This contract with <paramref name="over"/>'s declarations laid on top (a template extending another
        /// changes a folder's contract without restating it).
        /// </summary>
        public FolderContract Overlay(FolderContract? over) => over == null ? Clone() : new FolderContract
        {
            Formats = over.Formats ?? Formats,
            Files = over.Files ?? Files,
            Producers = over.Producers ?? Producers,
            Consumers = over.Consumers ?? Consumers,
            TriggeredBy = over.TriggeredBy ?? TriggeredBy,
            Triggers = over.Triggers ?? Triggers,
            Examples = over.Examples ?? Examples,
        };

        public FolderContract Clone() => new FolderContract
        {
            Formats = Formats?.ToList(), Files = Files, Producers = Producers?.ToList(), Consumers = Consumers?.ToList(),
            TriggeredBy = TriggeredBy?.ToList(), Triggers = Triggers?.ToList(), Examples = Examples?.ToList(),
        };

        public override string ToString() => AcceptsAnyFormat ? AnyFormat : string.Join(" ", Formats!);
    }
}
