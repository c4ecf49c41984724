using System;
using S3MlLayout.Engine.Errors;

namespace S3MlLayout.Engine.Storage
{
    /// <summary>Opens the target a bucket object carries.</summary>
    public static class StorageTargets
    {
        /// <summary>Set by the S3 target's assembly part; kept as a seam so tests can substitute a target.</summary>
        public static Func<MlBucket, IStorageTarget>? S3Factory { get; set; }

        public static IStorageTarget Open(MlBucket bucket)
        {
            switch (bucket.Target)
            {
                case StorageKind.Local:
                    return new LocalDirectoryTarget(bucket);
                case StorageKind.S3 when S3Factory != null:
                    return S3Factory(bucket);
                default:
                    throw new MlLayoutException("TargetUnsupported", ErrorKind.InvalidArgument, bucket.Uri,
                        $"The bucket '{bucket.Name}' is on target {bucket.Target}, which this build cannot open.");
            }
        }
    }
}
