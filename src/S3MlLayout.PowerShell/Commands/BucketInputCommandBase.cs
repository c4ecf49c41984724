using System.Linq;
using System.Management.Automation;
using S3MlLayout.Engine.Errors;
using S3MlLayout.Engine.Storage;
using S3MlLayout.PowerShell.Common;

namespace S3MlLayout.PowerShell.Commands
{
    /// <summary>
    /// What every cmdlet that works in an existing bucket shares: besides its -Bucket object (each cmdlet declares
    /// that parameter, with its own pipeline rules; a tenant spec or an object with BucketName binds to it too), the
    /// bucket can be named with -BucketName, as AWS Tools' -BucketName (the parameter set BucketName). The connection
    /// parameters (ConnectedCommandBase) are in every set: beside a piped bucket they override its own connection.
    /// </summary>
    public abstract class BucketInputCommandBase : ConnectedCommandBase
    {
        protected const string BucketSet = "Bucket";
        protected const string BucketNameSet = "BucketName";

        [Parameter(ParameterSetName = BucketNameSet, Mandatory = true)]
        [ValidateNotNullOrEmpty]
        public string BucketName { get; set; } = "";

        /// <summary>
        /// The bucket to work in: the one -BucketName names (described once per command: the connection and its
        /// client are reused for every record), else <paramref name="bucket"/>, the -Bucket argument, connected.
        /// </summary>
        protected MlBucket BucketOf(MlBucket? bucket)
        {
            if (!MyInvocation.BoundParameters.ContainsKey(nameof(BucketName)))
                return Connected(bucket ?? throw new MlLayoutException("BucketMissing", ErrorKind.InvalidArgument, MyInvocation.MyCommand.Name,
                    $"{MyInvocation.MyCommand.Name} needs a bucket: pipe one from New-MlBucket, Get-MlBucket or Import-MlTenant, or name it with -BucketName (and -LocalPath, or the S3 connection parameters)."));
            if (_named == null)
            {
                Engine.Naming.BucketNaming.Validate(BucketName);
                _named = DescribeBucket(LocationFor(BucketName));
            }
            return _named;
        }

        /// <summary>
        /// A piped bucket as this command reaches it. One named from a tenant spec or an object is connected the way
        /// its properties (bound by name to the connection parameters) and the command line say; an object from
        /// New-MlBucket or Get-MlBucket keeps its connection unless connection parameters are given on the command line.
        /// </summary>
        protected MlBucket Connected(MlBucket bucket)
        {
            MlBucket connected;
            if (BucketTransformationAttribute.IsUnconnected(bucket))
            {
                Engine.Naming.BucketNaming.Validate(bucket.Name);
                var location = LocationFor(bucket.Name);
                // What the source carries fills every connection parameter the command line did not give (piped, the
                // same values have bound by property name already; given as -Bucket, they have not).
                if (BucketTransformationAttribute.Carried.TryGetValue(bucket, out var carried))
                {
                    bool Given(string parameter) => ExplicitConnectionParameters.Contains(parameter);
                    if (!Given(nameof(Region))) location.Region = carried.Region;
                    if (!Given(nameof(LocalPath))) location.LocalPath = carried.LocalPath;
                    if (!Given(nameof(ProfileName))) location.ProfileName = carried.ProfileName;
                    if (!Given(nameof(ProfileLocation))) location.ProfileLocation = carried.ProfileLocation;
                    if (!Given(nameof(EndpointUrl))) location.EndpointUrl = carried.EndpointUrl;
                    if (!Given(nameof(ForcePathStyle))) location.ForcePathStyle = carried.ForcePathStyle;
                    // -LocalPath given beside an S3 spec moves it to the local target, as Import-MlTenant -LocalPath does.
                    if (Given(nameof(LocalPath)) && location.LocalPath != null && !Given(nameof(ProfileName)) && !Given(nameof(EndpointUrl)))
                    { location.ProfileName = null; location.ProfileLocation = null; location.EndpointUrl = null; location.ForcePathStyle = false; }
                }
                location.CompanyPrefix = bucket.CompanyPrefix; location.Environment = bucket.Environment; location.TenantId = bucket.TenantId;
                connected = DescribeBucket(location);
            }
            else if (ExplicitConnectionParameters.Count > 0)
                connected = DescribeBucket(OverriddenLocation(bucket));
            else
                return bucket;
            connected.Solution = bucket.Solution; connected.Template = bucket.Template; connected.Include = bucket.Include; connected.Date = bucket.Date;
            if (Engine.Tenants.TenantOrigin.Of(bucket) is { } origin) Engine.Tenants.TenantOrigin.Attach(connected, origin);
            connected.CreatedUtc = bucket.CreatedUtc; connected.Settings = bucket.Settings;
            return connected;
        }

        private MlBucket? _named;
    }
}
