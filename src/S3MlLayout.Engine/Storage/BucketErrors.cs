using S3MlLayout.Engine.Errors;

namespace S3MlLayout.Engine.Storage
{
    /// <summary>The errors about a bucket as a whole, worded once for every cmdlet.</summary>
    public static class BucketErrors
    {
        public static MlLayoutException NotFound(MlBucket bucket) =>
            new MlLayoutException("BucketNotFound", ErrorKind.ObjectNotFound, bucket.Uri,
                $"The bucket '{bucket.Uri}' does not exist; create it with New-MlBucket first, or check its name{(bucket.Kind == StorageKind.S3 ? ", -Region and -EndpointUrl" : " and -LocalPath")}.");
    }
}
