using System;
using System.Threading;
using System.Threading.Tasks;

namespace S3MlLayout.Engine.Drift.Rules
{
    /// <summary>
    /// -VerifyContent: an object whose first (for Parquet also last) bytes are not what its extension claims, such as a
    /// CSV named .parquet or a Parquet file cut short. Unlike the other object rules it reads the object: one ranged
    /// GET of <see cref="ContentSignatures.HeadLength"/> bytes, a second of the last <see cref="ContentSignatures.TailLength"/>
    /// when the format needs its tail. Only names <see cref="ContentSignatures.CanCheck"/> knows are read; an empty object
    /// is judged by its listed size, without a read. Never repaired: the bytes are the producer's.
    /// </summary>
    internal sealed class ContentMismatchRule
    {
        /// <summary>Reads at most length bytes of a key (from the end when asked); null when it is gone since the listing.</summary>
        public delegate Task<byte[]?> RangeReader(string key, long offset, int length, bool fromEnd, CancellationToken cancellation);

        private readonly RangeReader _read;

        public ContentMismatchRule(RangeReader read) { _read = read; }

        public DriftCategory Category => DriftCategory.ContentMismatch;

        /// <summary>Whether the object is one this rule reads: placed in a folder that takes files, with a name whose format has a signature.</summary>
        public static bool Applies(ObjectPlacement placement) => placement.FolderTakesFiles && ContentSignatures.CanCheck(placement.FileName);

        public async Task<DriftFinding?> CheckAsync(ObjectPlacement placement, FindingFactory findings, CancellationToken cancellation)
        {
            string key = placement.Object.Key, name = placement.FileName;
            long size = placement.Object.Size;
            byte[] head = Array.Empty<byte>();
            byte[]? tail = null;
            if (size > 0)
            {
                var headRead = _read(key, 0, ContentSignatures.HeadLength, false, cancellation);
                var tailRead = ContentSignatures.NeedsTail(name) ? _read(key, 0, ContentSignatures.TailLength, true, cancellation) : Task.FromResult<byte[]?>(Array.Empty<byte>());
                var got = await Task.WhenAll(headRead, tailRead).ConfigureAwait(false);
                if (got[0] == null || got[1] == null) return null; // deleted since it was listed: nothing left to judge
                head = got[0]!;
                tail = ContentSignatures.NeedsTail(name) ? got[1] : null;
            }
            var problem = ContentSignatures.Check(name, head, tail, size);
            if (problem == null) return null;
            string extension = ContentSignatures.LastExtension(name);
            return findings.Finding(Category, placement.Solution, key, ContentSignatures.Describe(name), problem,
                $"The file is not what its name claims ({extension}): re-export it as {ContentSignatures.Describe(name)}, or rename it to the extension of what it is " +
                "(Repair-MlLayout never changes data).", false, folder: placement.Folder.Key);
        }
    }
}
