using System.Linq;
using System.Runtime.CompilerServices;

namespace S3MlLayout.Engine.Drift.Rules
{
    /// <summary>
    /// An object in no folder that accepts files: directly under a folder kept for sub-folders (data/), at the
    /// solution root, or in a folder whose contract says Files: false.
    /// </summary>
    internal sealed class UnplacedObjectRule : IObjectRule
    {
        public DriftCategory Category => DriftCategory.UnplacedObject;

        [MethodImpl(HotPath.Optimized)]
        public DriftFinding? Check(ObjectPlacement placement, FindingFactory findings)
        {
            if (placement.FolderTakesFiles) return null;
            return Violation(placement, findings);
        }

        // Apart from Check: its lambda captures the placement, and a closure is made on entry to the method that holds it, for every object.
        private DriftFinding Violation(ObjectPlacement placement, FindingFactory findings)
        {
            var folder = placement.Folder;
            var homes = placement.Folders.Children(folder).Where(c => c.Contract?.Files == true && c.Contract.Accepts(placement.FileName))
                .Select(c => findings.Describe(c.Key)).Take(3).ToList();
            string where = folder.Kind == Layouts.FolderKind.Solution ? "the solution root" : folder.Key;
            return findings.Finding(Category, placement.Solution, placement.Object.Key,
                "files only in folders whose contract accepts them",
                $"a file directly in {where}, which holds sub-folders only",
                (homes.Count > 0 ? $"Move it into {string.Join(" or ", homes)}" : $"Move it into a folder of {findings.Describe(folder.Key)} that accepts files")
                    + " (Repair-MlLayout never moves data).", false, folder: folder.Key);
        }
    }
}
