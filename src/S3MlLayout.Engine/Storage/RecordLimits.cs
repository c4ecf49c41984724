using S3MlLayout.Engine.Errors;

namespace S3MlLayout.Engine.Storage
{
    /// <summary>
    /// The bound on what is read back from a bucket: bucket.json, solution declarations and fleet documents (issue 14).
    /// Anyone who can write to the bucket (or the bucket directory) shapes these objects, so they are read up to the
    /// limit and no further, whatever Content-Length or the file's length says.
    /// </summary>
    public static class RecordLimits
    {
        /// <summary>
        /// Largest record read back, in bytes (32 MiB). A declaration holds a resolved template (at most 4 MiB of YAML,
        /// 50,000 folders) as JSON, which stays well below it.
        /// </summary>
        public const int MaxBytes = 32 * 1024 * 1024;

        /// <summary>RecordTooLarge: the object at <paramref name="target"/> is more than the module ever writes there.</summary>
        public static MlLayoutException TooLarge(string target, long bytes) =>
            new MlLayoutException("RecordTooLarge", ErrorKind.LimitsExceeded, target,
                $"'{target}' has at least {BoundedFile.Bytes(bytes)} bytes; S3MlLayout's records have at most {BoundedFile.Bytes(MaxBytes)} (32 MiB), " +
                "so it was not read further (something other than S3MlLayout wrote it). " +
                "Check who writes to the bucket, restore the record or remove it, then run again.");
    }
}
