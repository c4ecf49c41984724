using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using S3MlLayout.Engine.Layouts;
using S3MlLayout.Engine.Storage;

namespace S3MlLayout.Engine.Provisioning
{
    public enum RenameStatus
    {
        /// <summary>Nothing is under the old prefix: nothing to move (the new folder is provisioned as usual).</summary>
        NothingThere,
        /// <summary>Only folder markers are under the old prefix: they can be moved safely.</summary>
        OnlyMarkers,
        /// <summary>Data lies under the old prefix: it is reported and left where it is.</summary>
        HoldsData,
    }

    /// <summary>What applying one declared rename to a solution involves.</summary>
    public sealed class RenamePlan
    {
        public RenamePlan(RenameMigration rename, string fromKey, string toKey, RenameStatus status, IReadOnlyList<StoredObject> markers, int dataObjects)
        {
            Rename = rename; FromKey = fromKey; ToKey = toKey; Status = status; MarkerObjects = markers; DataObjects = dataObjects;
            Markers = markers.Select(m => m.Key).ToList();
        }
        public RenameMigration Rename { get; }
        public string FromKey { get; }
        public string ToKey { get; }
        public RenameStatus Status { get; }
        public IReadOnlyList<string> Markers { get; }
        /// <summary>The markers as listed (with their ETags): only these exact objects are ever removed.</summary>
        internal IReadOnlyList<StoredObject> MarkerObjects { get; }
        public int DataObjects { get; }
        public override string ToString() => $"{FromKey} -> {ToKey}";
    }

    /// <summary>
    /// Moves a solution to a newer version of its template: applies the template's declared renames where the old
    /// prefix holds nothing but folder markers (moving the markers), and never touches data.
    /// </summary>
    public sealed class SolutionMigrator
    {
        /// <summary>How many entries under an old prefix are looked at before a rename is refused as too large.</summary>
        public const int MaxRenameEntries = 10000;
        private readonly IStorageTarget _target;

        public SolutionMigrator(IStorageTarget target) { _target = target; }

        /// <summary>What one rename involves now; plan each just before applying it, so chained renames (a -> b, b -> c) follow.</summary>
        public async Task<RenamePlan> PlanRenameAsync(RenameMigration rename, string solution, CancellationToken cancellation)
        {
            {
                string from = KeyOf(rename.From, solution);
                string parent = from.Substring(0, from.TrimEnd('/').LastIndexOf('/') + 1);
                string to = parent + rename.To + "/";
                if (Naming.S3KeyRules.IsReserved(from) || Naming.S3KeyRules.IsReserved(to))
                    throw Naming.S3KeyRules.Reserved(Naming.S3KeyRules.IsReserved(from) ? from : to, Errors.ErrorKind.InvalidData, _target.Describe(from));
                var listing = await _target.ListAsync(from, delimited: false, cancellation, MaxRenameEntries).ConfigureAwait(false);
                var markers = listing.Objects.Where(o => o.IsFolderMarker).ToList();
                int data = listing.Objects.Count(o => !o.IsFolderMarker);
                var status = listing.Objects.Count == 0 ? RenameStatus.NothingThere
                    : data > 0 || listing.Objects.Count >= MaxRenameEntries ? RenameStatus.HoldsData : RenameStatus.OnlyMarkers;
                return new RenamePlan(rename, from, to, status, markers, data);
            }
        }

        /// <summary>
        /// Writes the markers under the new name (never overwriting), then removes the old ones, deepest first, each
        /// only if it is still the exact marker listed; a marker that changed, or that the store cannot remove on a
        /// condition, is left where it is and reported.
        /// </summary>
        public async Task<MarkerMove> MoveMarkersAsync(RenamePlan plan, CancellationToken cancellation)
        {
            var move = new MarkerMove();
            foreach (var marker in plan.Markers.OrderBy(k => k.Length))
            {
                string moved = plan.ToKey + marker.Substring(plan.FromKey.Length);
                if (await _target.CreateFolderMarkerAsync(moved, cancellation).ConfigureAwait(false) == MarkerOutcome.Created) move.Created.Add(moved);
            }
            var kept = new List<string>();
            foreach (var marker in plan.MarkerObjects.OrderByDescending(m => m.Key.Length))
            {
                // A parent whose child was kept is not empty: on S3 its marker could go, but the folder would stay.
                if (kept.Any(k => k.StartsWith(marker.Key, StringComparison.Ordinal))) { move.Left.Add(marker.Key); kept.Add(marker.Key); continue; }
                var outcome = await _target.DeleteFolderMarkerAsync(marker, cancellation).ConfigureAwait(false);
                if (outcome == MarkerDeleteOutcome.Deleted) move.Deleted.Add(marker.Key);
                else
                {
                    move.Left.Add(marker.Key);
                    kept.Add(marker.Key);
                    move.LeftBecause = outcome;
                }
            }
            return move;
        }

        private static string KeyOf(string templatePath, string solution) =>
            templatePath.StartsWith("/", StringComparison.Ordinal)
                ? templatePath.Trim('/') + "/"
                : $"{LayoutExpander.SolutionsFolder}/{solution}/{templatePath.Trim('/')}/";

        /// <summary>Compares MAJOR.MINOR.PATCH versions (a pre-release suffix is ignored).</summary>
        public static int CompareVersions(string a, string b)
        {
            int[] Parse(string v) => v.Split('-')[0].Split('.').Select(p => int.TryParse(p, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : 0).ToArray();
            var x = Parse(a);
            var y = Parse(b);
            for (int i = 0; i < Math.Max(x.Length, y.Length); i++)
            {
                int c = (i < x.Length ? x[i] : 0).CompareTo(i < y.Length ? y[i] : 0);
                if (c != 0) return c;
            }
            return 0;
        }
    }

    /// <summary>What moving a rename's markers did.</summary>
    public sealed class MarkerMove
    {
        public List<string> Created { get; } = new List<string>();
        public List<string> Deleted { get; } = new List<string>();
        /// <summary>Old markers left in place: changed since the listing, or not removable on a condition by this store.</summary>
        public List<string> Left { get; } = new List<string>();
        public MarkerDeleteOutcome LeftBecause { get; set; } = MarkerDeleteOutcome.Deleted;
    }
}
