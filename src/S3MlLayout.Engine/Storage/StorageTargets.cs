using System;
using S3MlLayout.Engine.Errors;

namespace S3MlLayout.Engine.Storage
{
    /// <summary>Opens the target a bucket object carries.</summary>
    public static class StorageTargets
    {
        public static IStorageTarget Open(MlBucket bucket) => bucket.Kind switch
        {
            StorageKind.Local => new LocalDirectoryTarget(bucket),
            StorageKind.S3 => EngineComponents.S3.Open(bucket),
            _ => throw new MlLayoutException("TargetUnsupported", ErrorKind.InvalidArgument, bucket.Uri, $"The bucket '{bucket.Name}' is on target {bucket.Target}, which this build cannot open."),
        };
    }
}
