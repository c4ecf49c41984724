using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using S3MlLayout.Engine.Errors;
using S3MlLayout.Engine.S3;
using S3MlLayout.Engine.Storage;
using S3MlLayout.PowerShell.Common;
using S3MlLayout.PowerShell.Completers;

namespace S3MlLayout.PowerShell.Commands
{
    /// <summary>
    /// The one home of the connection parameters: every cmdlet that reaches a bucket (or, for Import-MlTenant, says
    /// how its specs reach theirs) inherits them from here, with the names and aliases of AWS Tools for PowerShell, in
    /// every parameter set. The non-secret ones also bind by property name, so a tenant spec, a CSV row or any object
    /// with BucketName and these properties brings its own connection; a parameter given on the command line wins over
    /// the piped value (PowerShell never rebinds it). An empty value is "not given". The mapping to the engine is
    /// <see cref="LocationFor"/>; the session defaults of AWS Tools are read in MlCmdlet.DescribeBucket.
    /// </summary>
    public abstract class ConnectedCommandBase : MlCmdlet
    {
        /// <summary>The connection parameters (their names): what an explicit override of a piped bucket is made of.</summary>
        internal static readonly string[] ConnectionParameterNames =
        {
            nameof(Region), nameof(LocalPath), nameof(ProfileName), nameof(ProfileLocation), nameof(Credential), nameof(AccessKey), nameof(SecretKey),
            nameof(SessionToken), nameof(EndpointUrl), nameof(ForcePathStyle), nameof(SkipCertificateCheck), nameof(ExpectedBucketOwner), nameof(TimeoutSec),
        };

        [Parameter(ValueFromPipelineByPropertyName = true)]
        [ArgumentCompleter(typeof(RegionCompleter))]
        [EmptyAsNull]
        public string? Region { get; set; }

        [Parameter(ValueFromPipelineByPropertyName = true)]
        [EmptyAsNull]
        public string? LocalPath { get; set; }

        [Parameter(ValueFromPipelineByPropertyName = true)]
        [Alias("AWSProfileName")]
        [ArgumentCompleter(typeof(ProfileNameCompleter))]
        [EmptyAsNull]
        public string? ProfileName { get; set; }

        [Parameter(ValueFromPipelineByPropertyName = true)]
        [Alias("AWSProfilesLocation", "ProfilesLocation")]
        [EmptyAsNull]
        public string? ProfileLocation { get; set; }

        /// <summary>Explicit keys as one object: UserName is the access key id, the password the secret access key.</summary>
        [Parameter]
        [ValidateNotNull]
        public PSCredential? Credential { get; set; }

        [Parameter]
        [Alias("AK")]
        [ValidateNotNullOrEmpty]
        public string? AccessKey { get; set; }

        [Parameter]
        [Alias("SK", "SecretAccessKey")]
        [ValidateNotNullOrEmpty]
        public string? SecretKey { get; set; }

        [Parameter]
        [Alias("ST")]
        [ValidateNotNullOrEmpty]
        public string? SessionToken { get; set; }

        [Parameter(ValueFromPipelineByPropertyName = true)]
        [EmptyAsNull]
        public string? EndpointUrl { get; set; }

        [Parameter(ValueFromPipelineByPropertyName = true)]
        [SwitchText]
        public SwitchParameter ForcePathStyle { get; set; }

        [Parameter]
        public SwitchParameter SkipCertificateCheck { get; set; }

        [Parameter]
        [ValidatePattern(@"^\d{12}$")]
        public string? ExpectedBucketOwner { get; set; }

        /// <summary>Seconds one S3 request may take, retries included; connect and per-attempt waits are capped below it.</summary>
        [Parameter]
        [ValidateRange(1, 3600)]
        public int TimeoutSec { get; set; } = S3Connection.DefaultTimeoutSec;

        /// <summary>The connection parameters given on the command line (bound before the first record): they override what a piped object carries.</summary>
        protected IReadOnlyCollection<string> ExplicitConnectionParameters => _explicit ??= new HashSet<string>(
            ConnectionParameterNames.Where(n => MyInvocation.BoundParameters.ContainsKey(n)), StringComparer.OrdinalIgnoreCase);

        private HashSet<string>? _explicit;

        protected override void BeginProcessing()
        {
            _ = ExplicitConnectionParameters; // taken before any record binds by property name
            base.BeginProcessing();
        }

        /// <summary>
        /// Where the bucket <paramref name="name"/> lives, as the connection parameters (command line, else what the
        /// piped object bound by property name) say. The one mapping from the parameters to the engine's settings.
        /// </summary>
        internal BucketLocation LocationFor(string name)
        {
            if (Credential != null && (AccessKey != null || SecretKey != null))
                throw new MlLayoutException("CredentialConflict", ErrorKind.InvalidArgument, "Credential",
                    "-Credential and -AccessKey/-SecretKey both give explicit keys; give one of them.");
            return new BucketLocation
            {
                Name = name, Region = Region, LocalPath = LocalPath, ProfileName = ProfileName, ProfileLocation = ProfileLocation,
                AccessKey = Credential?.UserName ?? AccessKey, SecretKey = Credential?.GetNetworkCredential().Password ?? SecretKey,
                KeySource = Credential != null ? "-Credential" : null,
                SessionToken = SessionToken, EndpointUrl = EndpointUrl, ForcePathStyle = ForcePathStyle, SkipCertificateCheck = SkipCertificateCheck,
                ExpectedBucketOwner = ExpectedBucketOwner, TimeoutSec = MyInvocation.BoundParameters.ContainsKey(nameof(TimeoutSec)) ? TimeoutSec : (int?)null,
            };
        }

        /// <summary>
        /// The location of a bucket that was piped in, with the connection parameters given on the command line laid
        /// over its own settings (a local bucket's directory is its parent's, as -LocalPath names it).
        /// </summary>
        internal BucketLocation OverriddenLocation(MlBucket bucket)
        {
            var given = LocationFor(bucket.Name);
            bool Has(string parameter) => ExplicitConnectionParameters.Contains(parameter);
            var own = bucket.Connection;
            var location = new BucketLocation
            {
                Name = bucket.Name, CompanyPrefix = bucket.CompanyPrefix, Environment = bucket.Environment, TenantId = bucket.TenantId,
                Region = Has(nameof(Region)) ? given.Region : string.IsNullOrEmpty(own?.Region) ? bucket.Region : own!.Region,
                LocalPath = Has(nameof(LocalPath)) ? given.LocalPath : bucket.LocalPath == null ? null : System.IO.Path.GetDirectoryName(bucket.LocalPath.TrimEnd('/', '\\')),
                ProfileName = Has(nameof(ProfileName)) ? given.ProfileName : own?.ProfileName,
                ProfileLocation = given.ProfileLocation, AccessKey = given.AccessKey, SecretKey = given.SecretKey, KeySource = given.KeySource, SessionToken = given.SessionToken,
                EndpointUrl = Has(nameof(EndpointUrl)) ? given.EndpointUrl : own?.EndpointUrl,
                ForcePathStyle = Has(nameof(ForcePathStyle)) ? given.ForcePathStyle : own?.ForcePathStyle == true,
                SkipCertificateCheck = Has(nameof(SkipCertificateCheck)) ? given.SkipCertificateCheck : own?.SkipCertificateCheck == true,
                ExpectedBucketOwner = Has(nameof(ExpectedBucketOwner)) ? given.ExpectedBucketOwner : own?.ExpectedBucketOwner,
                TimeoutSec = given.TimeoutSec ?? (own != null && own.Timeout > TimeSpan.Zero ? (int)Math.Ceiling(own.Timeout.TotalSeconds) : (int?)null),
            };
            // -LocalPath moves a piped S3 bucket to the local target (and back is -EndpointUrl/-ProfileName ...): the other side's settings do not follow.
            if (Has(nameof(LocalPath)) && location.LocalPath != null)
            {
                location.ProfileName = given.ProfileName; location.EndpointUrl = given.EndpointUrl; location.ForcePathStyle = given.ForcePathStyle;
                location.SkipCertificateCheck = given.SkipCertificateCheck; location.ExpectedBucketOwner = given.ExpectedBucketOwner; location.TimeoutSec = given.TimeoutSec;
            }
            return location;
        }
    }
}
