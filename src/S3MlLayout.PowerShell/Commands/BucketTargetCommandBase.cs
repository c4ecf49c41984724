using S3MlLayout.Engine.Errors;
using S3MlLayout.Engine.Storage;

namespace S3MlLayout.PowerShell.Commands
{
    /// <summary>
    /// Where a bucket named by its parts lives (Get-MlBucket, New-MlBucket): -LocalPath for the local target, otherwise
    /// Amazon S3 or an S3-compatible endpoint, reached with the connection parameters of ConnectedCommandBase. -Region
    /// is both a part of the name and the region to connect to: when it is not given, the connection's region
    /// (the profile, $StoredAWSRegion, AWS_REGION ...) is the name part.
    /// </summary>
    public abstract class BucketTargetCommandBase : BucketNameCommandBase
    {
        /// <summary>The bucket object for <paramref name="name"/> on the target the parameters name.</summary>
        protected MlBucket DescribeBucket(string name)
        {
            var location = LocationFor(name);
            location.CompanyPrefix = NullIfEmpty(CompanyPrefix); location.Environment = NullIfEmpty(Environment);
            location.TenantId = NullIfEmpty(TenantId); location.Region = NullIfEmpty(Region);
            return DescribeBucket(location);
        }

        /// <summary>The region part of a name built from parts: -Region, else the region the connection resolves to.</summary>
        protected override string RegionForName()
        {
            if (!string.IsNullOrEmpty(Region)) return Region!;
            if (LocalPath != null)
                throw new MlLayoutException("RegionMissing", ErrorKind.InvalidArgument, "Region",
                    "The bucket name is built from its parts, and the local target has no region to take the last part from: give -Region (us-west-2, say) or the full name.");
            // Resolving sends nothing: the region comes from the parameters, the session, the profile or the environment.
            var connected = DescribeBucket(LocationFor(""));
            Region = connected.Region;
            return Region ?? "";
        }

        protected static string? NullIfEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;
    }
}
