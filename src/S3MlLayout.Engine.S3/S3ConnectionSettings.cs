namespace S3MlLayout.Engine.S3
{
    /// <summary>What the user said about the connection (cmdlet parameters); anything left null is resolved.</summary>
    public sealed class S3ConnectionSettings
    {
        public string? Region { get; set; }
        public string? ProfileName { get; set; }
        public string? ProfileLocation { get; set; }
        public string? AccessKey { get; set; }
        public string? SecretKey { get; set; }
        public string? SessionToken { get; set; }
        public string? EndpointUrl { get; set; }
        public bool ForcePathStyle { get; set; }
        /// <summary>The account id that must own the bucket; S3 refuses requests to a bucket owned by anyone else.</summary>
        public string? ExpectedBucketOwner { get; set; }
        /// <summary>Accept any TLS certificate from a custom endpoint (self-signed MinIO, test servers). Never for Amazon S3.</summary>
        public bool SkipCertificateCheck { get; set; }
        /// <summary>Seconds one S3 request may take, retries included (-TimeoutSec); null is <see cref="S3Connection.DefaultTimeoutSec"/>.</summary>
        public int? TimeoutSec { get; set; }
        /// <summary>Where AccessKey/SecretKey came from, for the verbose line (-AccessKey/-SecretKey, -Credential); null is the key parameters.</summary>
        public string? KeySource { get; set; }

        /// <summary>The session's default region (AWS Tools' $StoredAWSRegion, as Set-DefaultAWSRegion leaves it).</summary>
        public string? SessionRegion { get; set; }
        /// <summary>The profile that AWS Tools' $StoredAWSCredentials names (Set-AWSCredential -ProfileName).</summary>
        public string? SessionProfileName { get; set; }
        /// <summary>Keys that AWS Tools' $StoredAWSCredentials holds (Set-AWSCredential -AccessKey ...); never logged.</summary>
        public string? SessionAccessKey { get; set; }
        public string? SessionSecretKey { get; set; }
        public string? SessionSessionToken { get; set; }

        /// <summary>
        /// Every setting, each written as its length and value, so that two different settings never give the same
        /// text: what a command's memo and the session's connection cache tell connections apart by. Holds secrets:
        /// kept in memory only, and digested before the cache keeps it.
        /// </summary>
        internal string Identity()
        {
            var text = new System.Text.StringBuilder();
            foreach (var value in new object?[]
                     {
                         Region, ProfileName, ProfileLocation, AccessKey, SecretKey, SessionToken, KeySource, EndpointUrl, ForcePathStyle,
                         ExpectedBucketOwner, SkipCertificateCheck, TimeoutSec, SessionRegion, SessionProfileName, SessionAccessKey,
                         SessionSecretKey, SessionSessionToken,
                     })
                Append(text, value);
            return text.ToString();
        }

        /// <summary>One value of an identity: its length (-1 for null), a colon, the value and a line break.</summary>
        internal static void Append(System.Text.StringBuilder text, object? value) =>
            text.Append(value?.ToString()?.Length ?? -1).Append(':').Append(value).Append('\n');
    }
}
