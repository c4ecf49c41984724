using System;

namespace S3MlLayout.Engine.Storage
{
    /// <summary>
    /// How files are sent (Write-MlObject). The figures are those of the AWS CLI's defaults, so a comparison with
    /// `aws s3 cp` compares the tools, not their settings: 8 MiB parts, 10 in flight per file.
    /// </summary>
    public static class FileUpload
    {
        /// <summary>Files larger than this go in parts (S3's single PUT takes up to 5 GiB, but a lost 5 GiB PUT is sent again whole).</summary>
        public static long MultipartThreshold { get; internal set; } = 16L * 1024 * 1024;

        /// <summary>The size of each part but the last; S3 wants at least 5 MiB and at most 10,000 parts.</summary>
        public const long PartSize = 8L * 1024 * 1024;

        /// <summary>Parts of one file in flight at once, on the bucket's shared connection.</summary>
        public const int PartsInFlight = 10;

        /// <summary>S3's largest object (5 TiB) and part count.</summary>
        public const long MaxObjectSize = 5L * 1024 * 1024 * 1024 * 1024;
        public const int MaxParts = 10000;

        /// <summary>The part size for a file: <see cref="PartSize"/>, grown for files that would need more than 10,000 parts.</summary>
        public static long PartSizeFor(long fileSize)
        {
            long size = PartSize;
            while ((fileSize + size - 1) / size > MaxParts) size *= 2;
            return size;
        }
    }

    /// <summary>What writing one file did: the object's ETag and how many parts it was sent in (1: a single PUT).</summary>
    public sealed class FileUploadResult
    {
        public FileUploadResult(string eTag, int parts) { ETag = eTag; Parts = parts; }
        public string ETag { get; }
        public int Parts { get; }
    }
}
