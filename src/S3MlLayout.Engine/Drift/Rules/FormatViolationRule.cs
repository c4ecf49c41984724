using System;
using System.Linq;
using System.Runtime.CompilerServices;
using S3MlLayout.Engine.Layouts;

namespace S3MlLayout.Engine.Drift.Rules
{
    /// <summary>An object whose format (its file-name suffix) its folder's contract does not accept: a .csv in a Parquet-only stage.</summary>
    internal sealed class FormatViolationRule : IObjectRule
    {
        private static readonly string[] Compressions = { ".gz", ".bz2", ".zst", ".xz", ".snappy", ".lz4" };

        public DriftCategory Category => DriftCategory.FormatViolation;

        [MethodImpl(HotPath.Optimized)]
        public DriftFinding? Check(ObjectPlacement placement, FindingFactory findings)
        {
            var contract = placement.Folder.Contract;
            if (!placement.FolderTakesFiles || contract == null || placement.NameAccepted(contract)) return null;
            return Violation(placement, contract, findings);
        }

        // Apart from Check: its lambdas capture the placement, and a closure is made on entry to the method that holds them, for every object.
        private DriftFinding Violation(ObjectPlacement placement, FolderContract contract, FindingFactory findings)
        {
            string format = FormatOf(placement.FileName);
            var homes = placement.Folders.All.Where(f => f.Contract?.Files == true && !f.Contract.AcceptsAnyFormat && f.Contract.Accepts(placement.FileName))
                .OrderBy(f => f.Key, StringComparer.Ordinal).Select(f => findings.Describe(f.Key)).Take(3).ToList();
            return findings.Finding(Category, placement.Solution, placement.Object.Key, contract.ToString(), format,
                $"Convert it to {string.Join(" or ", contract.Formats!)}"
                    + (homes.Count > 0 ? $", or move it to {string.Join(" or ", homes)}, which accept {format}" : "")
                    + " (Repair-MlLayout never moves data).", false, folder: placement.Folder.Key);
        }

        /// <summary>The suffix that names a file's format: ".csv", ".csv.gz" for a compressed one, "no extension".</summary>
        internal static string FormatOf(string fileName)
        {
            int dot = fileName.LastIndexOf('.');
            if (dot <= 0) return "no extension";
            string last = fileName.Substring(dot).ToLowerInvariant();
            if (Compressions.Contains(last))
            {
                int before = fileName.LastIndexOf('.', dot - 1);
                if (before > 0) return fileName.Substring(before).ToLowerInvariant();
            }
            return last;
        }
    }
}
