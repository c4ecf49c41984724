using System;
using System.Collections.Generic;
using System.Linq;
using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading;
using System.Threading.Tasks;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using S3MlLayout.Engine.Errors;

namespace S3MlLayout.Engine.S3
{
    public enum BucketCreateOutcome { Created, AlreadyOwned }

    /// <summary>Creates buckets and reads and applies their settings. Existing user policy statements, tags and lifecycle rules are kept.</summary>
    public sealed class S3BucketAdmin
    {
        private const string TlsStatementId = "S3MlLayoutDenyInsecureTransport";
        private readonly S3Connection _connection;
        private readonly string _bucket;

        /// <param name="requests">Where to count requests; a target passes its own so one counter covers both.</param>
        public S3BucketAdmin(S3Connection connection, string bucket, Storage.RequestCounter? requests = null)
        {
            _connection = connection;
            _bucket = bucket;
            Requests = requests ?? new Storage.RequestCounter();
        }

        public Storage.RequestCounter Requests { get; }
        private AmazonS3Client Client => _connection.Client;
        private string? Owner => _connection.ExpectedBucketOwner;
        private string Uri => $"s3://{_bucket}/";

        /// <summary>Whether the bucket exists and this caller can reach it.</summary>
        public async Task<bool> ExistsAsync(CancellationToken cancellation)
        {
            Requests.CountOther();
            try
            {
                await Client.GetBucketLocationAsync(new GetBucketLocationRequest { BucketName = _bucket, ExpectedBucketOwner = Owner }, cancellation).ConfigureAwait(false);
                return true;
            }
            catch (AmazonS3Exception e) when (e.StatusCode == HttpStatusCode.NotFound) { return false; }
            catch (AmazonS3Exception e) when (e.StatusCode == HttpStatusCode.Forbidden)
            {
                throw new MlLayoutException("BucketNameTaken", ErrorKind.ResourceExists, Uri,
                    $"The bucket '{_bucket}' exists but this caller cannot use it: it belongs to another account{(Owner != null ? $" (not {Owner})" : "")}, or the credentials lack permission. " +
                    "Bucket names are global: choose another name, or add -RandomSuffix against squatting.", e);
            }
            catch (AmazonServiceException e) { throw S3Errors.Translate(e, "BucketReadFailed", Uri, "reading the bucket"); }
        }

        /// <summary>Creates the bucket in the connection's region with ACLs off; an existing bucket of ours is fine.</summary>
        public async Task<BucketCreateOutcome> CreateAsync(bool ownershipEnforced, CancellationToken cancellation)
        {
            Requests.CountPut();
            try
            {
                // UseClientRegion off: otherwise the SDK adds a second LocationConstraint of its own, taken from the client
                // config or, with a custom endpoint, from AWS_REGION / the profile ("EU" for eu-west-1), and S3 refuses both.
                var request = new PutBucketRequest { BucketName = _bucket, UseClientRegion = false };
                // The one LocationConstraint: the resolved region's code (never the legacy "EU"); none for us-east-1.
                if (_connection.Region != "us-east-1")
                    request.PutBucketConfiguration = new PutBucketConfiguration { LocationConstraint = new BucketLocationConstraint(_connection.Region) };
                if (ownershipEnforced) request.ObjectOwnership = ObjectOwnership.BucketOwnerEnforced;
                await Client.PutBucketAsync(request, cancellation).ConfigureAwait(false);
                return BucketCreateOutcome.Created;
            }
            catch (AmazonS3Exception e) when (e.ErrorCode == "BucketAlreadyOwnedByYou") { return BucketCreateOutcome.AlreadyOwned; }
            catch (AmazonS3Exception e) when (e.ErrorCode == "BucketAlreadyExists")
            {
                throw new MlLayoutException("BucketNameTaken", ErrorKind.ResourceExists, Uri,
                    $"The bucket name '{_bucket}' is owned by another AWS account. Bucket names are global and predictable names can be taken by anyone: " +
                    "choose another name, or add -RandomSuffix.", e);
            }
            catch (AmazonServiceException e) { throw S3Errors.Translate(e, "BucketCreateFailed", Uri, "creating the bucket"); }
        }

        /// <summary>The settings as S3 reports them now.</summary>
        public async Task<BucketSettings> ReadAsync(CancellationToken cancellation)
        {
            var settings = new BucketSettings();
            var reads = new List<Task>
            {
                Read("GetPublicAccessBlock", async () =>
                {
                    var c = (await Client.GetPublicAccessBlockAsync(new GetPublicAccessBlockRequest { BucketName = _bucket, ExpectedBucketOwner = Owner }, cancellation).ConfigureAwait(false)).PublicAccessBlockConfiguration;
                    settings.BlockPublicAccess = c != null && c.BlockPublicAcls == true && c.IgnorePublicAcls == true && c.BlockPublicPolicy == true && c.RestrictPublicBuckets == true;
                }, () => settings.BlockPublicAccess = false),
                Read("GetBucketOwnershipControls", async () =>
                {
                    var r = await Client.GetBucketOwnershipControlsAsync(new GetBucketOwnershipControlsRequest { BucketName = _bucket, ExpectedBucketOwner = Owner }, cancellation).ConfigureAwait(false);
                    settings.ObjectOwnership = r.OwnershipControls?.Rules?.FirstOrDefault()?.ObjectOwnership?.Value;
                }, () => settings.ObjectOwnership = null),
                Read("GetBucketEncryption", async () =>
                {
                    var r = await Client.GetBucketEncryptionAsync(new GetBucketEncryptionRequest { BucketName = _bucket, ExpectedBucketOwner = Owner }, cancellation).ConfigureAwait(false);
                    var rule = r.ServerSideEncryptionConfiguration?.ServerSideEncryptionRules?.FirstOrDefault();
                    settings.Encryption = rule?.ServerSideEncryptionByDefault?.ServerSideEncryptionAlgorithm?.Value;
                    settings.KmsKeyId = string.IsNullOrEmpty(rule?.ServerSideEncryptionByDefault?.ServerSideEncryptionKeyManagementServiceKeyId) ? null : rule!.ServerSideEncryptionByDefault.ServerSideEncryptionKeyManagementServiceKeyId;
                    settings.BucketKeyEnabled = rule?.BucketKeyEnabled ?? false;
                }, () => settings.Encryption = null),
                Read("GetBucketVersioning", async () =>
                {
                    var r = await Client.GetBucketVersioningAsync(new GetBucketVersioningRequest { BucketName = _bucket, ExpectedBucketOwner = Owner }, cancellation).ConfigureAwait(false);
                    var status = r.VersioningConfig?.Status?.Value;
                    settings.Versioning = string.IsNullOrEmpty(status) ? "Off" : status;
                }, () => settings.Versioning = "Off"),
                Read("GetBucketPolicy", async () =>
                {
                    var r = await Client.GetBucketPolicyAsync(new GetBucketPolicyRequest { BucketName = _bucket, ExpectedBucketOwner = Owner }, cancellation).ConfigureAwait(false);
                    settings.TlsOnlyPolicy = HasTlsDeny(r.Policy);
                }, () => settings.TlsOnlyPolicy = false),
                Read("GetBucketTagging", async () =>
                {
                    var r = await Client.GetBucketTaggingAsync(new GetBucketTaggingRequest { BucketName = _bucket, ExpectedBucketOwner = Owner }, cancellation).ConfigureAwait(false);
                    settings.Tags = (r.TagSet ?? new List<Tag>()).ToDictionary(t => t.Key, t => t.Value);
                }, () => settings.Tags = new Dictionary<string, string>()),
                Read("GetLifecycleConfiguration", async () =>
                {
                    var r = await Client.GetLifecycleConfigurationAsync(new GetLifecycleConfigurationRequest { BucketName = _bucket, ExpectedBucketOwner = Owner }, cancellation).ConfigureAwait(false);
                    var rules = r.Configuration?.Rules ?? new List<LifecycleRule>();
                    settings.AbortIncompleteMultipartUploadDays = rules.FirstOrDefault(x => x.Id == BucketSettings.AbortRuleId)?.AbortIncompleteMultipartUpload?.DaysAfterInitiation;
                    settings.LifecycleRules = rules.Where(x => x.Id != BucketSettings.AbortRuleId).Select(ToSpec).ToList();
                }, () => settings.LifecycleRules = new List<LifecycleRuleSpec>()),
            };
            await Task.WhenAll(reads).ConfigureAwait(false);
            return settings;
        }

        /// <summary>The changes that would bring the bucket to the desired settings: one per setting, in the order they are applied.</summary>
        public static IReadOnlyList<BucketChange> Plan(BucketSettings desired, BucketSettings actual)
        {
            var differences = BucketSettings.Compare(desired, actual);
            var changes = new List<BucketChange>();
            foreach (var setting in AppliedSettings)
            {
                var relevant = differences.Where(d => BucketSettings.SettingOf(d.Setting) == setting).ToList();
                if (relevant.Count == 0) continue;
                string Side(Func<SettingDifference, string> value) =>
                    string.Join(", ", relevant.Select(d => d.Setting == setting ? value(d) : $"{d.Setting.Substring(d.Setting.IndexOf(':') + 1)}={value(d)}"));
                changes.Add(new BucketChange(setting, Side(d => d.Actual), Side(d => d.Expected)));
            }
            return changes;
        }

        private static readonly string[] AppliedSettings =
            { nameof(BucketSettings.BlockPublicAccess), nameof(BucketSettings.ObjectOwnership), nameof(BucketSettings.Encryption), nameof(BucketSettings.Versioning), nameof(BucketSettings.TlsOnlyPolicy), "Tag", "Lifecycle" };


        /// <summary>
        /// Applies the planned changes the caller approved (ShouldProcess runs on the caller's thread, before this):
        /// every setting at once, since each is its own sub-resource of the bucket, so a bucket's settings take one
        /// round trip instead of seven. Returns what was applied, in the plan's order. A failed setting does not stop
        /// the others; the first failure is thrown once all have finished.
        /// </summary>
        /// <param name="bucketIsNew">The bucket was created a moment ago by this run: it has no policy or lifecycle
        /// rules of anyone else's to merge with, so they are not read first.</param>
        public async Task<IReadOnlyList<BucketChange>> ApplyAsync(BucketSettings desired, BucketSettings actual, IReadOnlyCollection<BucketChange> approved,
            CancellationToken cancellation, bool bucketIsNew = false)
        {
            var puts = new List<(BucketChange Change, Func<Task> Put)>();
            void Add(string setting, Func<Task> put)
            {
                if (approved.FirstOrDefault(c => c.Setting == setting) is BucketChange change) puts.Add((change, put));
            }

            Add(nameof(BucketSettings.BlockPublicAccess), () => Client.PutPublicAccessBlockAsync(new PutPublicAccessBlockRequest
            {
                BucketName = _bucket, ExpectedBucketOwner = Owner,
                PublicAccessBlockConfiguration = new PublicAccessBlockConfiguration { BlockPublicAcls = true, IgnorePublicAcls = true, BlockPublicPolicy = true, RestrictPublicBuckets = true },
            }, cancellation));
            Add(nameof(BucketSettings.ObjectOwnership), () => Client.PutBucketOwnershipControlsAsync(new PutBucketOwnershipControlsRequest
            {
                BucketName = _bucket, ExpectedBucketOwner = Owner,
                OwnershipControls = new OwnershipControls { Rules = new List<OwnershipControlsRule> { new OwnershipControlsRule { ObjectOwnership = new ObjectOwnership(desired.ObjectOwnership) } } },
            }, cancellation));
            Add(nameof(BucketSettings.Encryption), () => Client.PutBucketEncryptionAsync(new PutBucketEncryptionRequest
            {
                BucketName = _bucket, ExpectedBucketOwner = Owner,
                ServerSideEncryptionConfiguration = new ServerSideEncryptionConfiguration
                {
                    ServerSideEncryptionRules = new List<ServerSideEncryptionRule>
                    {
                        new ServerSideEncryptionRule
                        {
                            ServerSideEncryptionByDefault = new ServerSideEncryptionByDefault
                            {
                                ServerSideEncryptionAlgorithm = new ServerSideEncryptionMethod(desired.Encryption),
                                ServerSideEncryptionKeyManagementServiceKeyId = desired.KmsKeyId,
                            },
                            BucketKeyEnabled = desired.BucketKeyEnabled,
                        },
                    },
                },
            }, cancellation));
            Add(nameof(BucketSettings.Versioning), () => Client.PutBucketVersioningAsync(new PutBucketVersioningRequest
            {
                BucketName = _bucket, ExpectedBucketOwner = Owner,
                VersioningConfig = new S3BucketVersioningConfig { Status = VersionStatus.Enabled },
            }, cancellation));
            Add(nameof(BucketSettings.TlsOnlyPolicy), async () =>
            {
                string? existing = null;
                if (!bucketIsNew)
                {
                    try { existing = (await Client.GetBucketPolicyAsync(new GetBucketPolicyRequest { BucketName = _bucket, ExpectedBucketOwner = Owner }, cancellation).ConfigureAwait(false)).Policy; }
                    catch (AmazonS3Exception e) when (e.StatusCode == HttpStatusCode.NotFound) { }
                }
                await Client.PutBucketPolicyAsync(new PutBucketPolicyRequest { BucketName = _bucket, ExpectedBucketOwner = Owner, Policy = WithTlsDeny(existing, _bucket) }, cancellation).ConfigureAwait(false);
            });
            Add("Tag", () =>
            {
                var tags = new Dictionary<string, string>(actual.Tags ?? new Dictionary<string, string>());
                foreach (var tag in desired.Tags ?? new Dictionary<string, string>()) tags[tag.Key] = tag.Value; // user tags are kept
                return Client.PutBucketTaggingAsync(new PutBucketTaggingRequest
                {
                    BucketName = _bucket, ExpectedBucketOwner = Owner,
                    TagSet = tags.Select(t => new Tag { Key = t.Key, Value = t.Value }).ToList(),
                }, cancellation);
            });
            Add("Lifecycle", () => PutLifecycle(desired, bucketIsNew, cancellation));

            var results = await Task.WhenAll(puts.Select(async p =>
            {
                Requests.CountPut();
                try
                {
                    await WithConflictRetries(p.Put, cancellation).ConfigureAwait(false);
                    return (p.Change, Error: (Exception?)null);
                }
                catch (AmazonServiceException e)
                {
                    return (p.Change, Error: S3Errors.Translate(e, "BucketSettingFailed", Uri, $"setting {p.Change.Setting} on"));
                }
            })).ConfigureAwait(false);
            if (results.FirstOrDefault(r => r.Error != null).Error is Exception failed) throw failed;
            return results.Select(r => r.Change).ToList();
        }

        /// <summary>Delays before each retry of a setting S3 refused with 409 OperationAborted.</summary>
        internal static TimeSpan[] ConflictRetryDelays { get; set; } =
            { TimeSpan.FromMilliseconds(250), TimeSpan.FromMilliseconds(500), TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2) };

        /// <summary>
        /// S3 may answer 409 OperationAborted ("a conflicting conditional operation is currently in progress") while
        /// another change to the same bucket settles, which settings sent at once can meet: the setting is sent again.
        /// </summary>
        private static async Task WithConflictRetries(Func<Task> put, CancellationToken cancellation)
        {
            for (int attempt = 0; ; attempt++)
            {
                try { await put().ConfigureAwait(false); return; }
                catch (AmazonS3Exception e) when (e.ErrorCode == "OperationAborted" && attempt < ConflictRetryDelays.Length)
                {
                    await Task.Delay(ConflictRetryDelays[attempt], cancellation).ConfigureAwait(false);
                }
            }
        }

        private async Task PutLifecycle(BucketSettings desired, bool bucketIsNew, CancellationToken cancellation)
        {
            var rules = new List<LifecycleRule>();
            if (!bucketIsNew)
            {
                try
                {
                    rules = (await Client.GetLifecycleConfigurationAsync(new GetLifecycleConfigurationRequest { BucketName = _bucket, ExpectedBucketOwner = Owner }, cancellation).ConfigureAwait(false)).Configuration?.Rules ?? new List<LifecycleRule>();
                }
                catch (AmazonS3Exception e) when (e.StatusCode == HttpStatusCode.NotFound) { }
            }
            var ours = new List<LifecycleRule>();
            if (desired.AbortIncompleteMultipartUploadDays is int days)
                ours.Add(new LifecycleRule
                {
                    Id = BucketSettings.AbortRuleId, Status = LifecycleRuleStatus.Enabled,
                    Filter = new LifecycleFilter { Prefix = "" },
                    AbortIncompleteMultipartUpload = new LifecycleRuleAbortIncompleteMultipartUpload { DaysAfterInitiation = days },
                });
            foreach (var spec in desired.LifecycleRules ?? new List<LifecycleRuleSpec>())
                ours.Add(new LifecycleRule
                {
                    Id = spec.Id, Status = LifecycleRuleStatus.Enabled, Filter = new LifecycleFilter { Prefix = spec.Prefix },
                    Transitions = spec.TransitionDays is int t ? new List<LifecycleTransition> { new LifecycleTransition { Days = t, StorageClass = new S3StorageClass(spec.StorageClass ?? "STANDARD_IA") } } : null,
                    Expiration = spec.ExpirationDays is int x ? new LifecycleRuleExpiration { Days = x } : null,
                });
            // Rules someone else added stay; ours are replaced by id.
            var merged = rules.Where(r => ours.All(o => o.Id != r.Id)).Concat(ours).ToList();
            await Client.PutLifecycleConfigurationAsync(new PutLifecycleConfigurationRequest
            {
                BucketName = _bucket, ExpectedBucketOwner = Owner, Configuration = new LifecycleConfiguration { Rules = merged },
            }, cancellation).ConfigureAwait(false);
        }

        private static LifecycleRuleSpec ToSpec(LifecycleRule rule) => new LifecycleRuleSpec
        {
            Id = rule.Id,
            // The SDK reads a prefix filter into the predicate, not into Filter.Prefix.
            Prefix = !string.IsNullOrEmpty(rule.Filter?.Prefix) ? rule.Filter!.Prefix
                : (rule.Filter?.LifecycleFilterPredicate as LifecyclePrefixPredicate)?.Prefix ?? "",
            TransitionDays = rule.Transitions?.FirstOrDefault()?.Days,
            StorageClass = rule.Transitions?.FirstOrDefault()?.StorageClass?.Value,
            ExpirationDays = rule.Expiration?.Days,
        };

        private async Task Read(string operation, Func<Task> read, Action whenAbsent)
        {
            Requests.CountGet();
            try { await read().ConfigureAwait(false); }
            catch (AmazonS3Exception e) when (e.StatusCode == HttpStatusCode.NotFound) { whenAbsent(); } // the setting is not configured
            catch (AmazonServiceException e) { throw S3Errors.Translate(e, "BucketReadFailed", Uri, $"reading ({operation})"); }
        }

        /// <summary>Whether a policy denies every request made without TLS.</summary>
        internal static bool HasTlsDeny(string? policy)
        {
            if (string.IsNullOrWhiteSpace(policy)) return false;
            try
            {
                var statements = JsonNode.Parse(policy!)?["Statement"];
                var list = statements is JsonArray array ? array.ToList() : new List<JsonNode?> { statements };
                return list.Any(s => s?["Effect"]?.GetValue<string>() == "Deny"
                    && string.Equals(s?["Condition"]?["Bool"]?["aws:SecureTransport"]?.ToString(), "false", StringComparison.OrdinalIgnoreCase));
            }
            catch (JsonException) { return false; }
        }

        /// <summary>The policy with our TLS-only statement added; other statements are kept as they are.</summary>
        internal static string WithTlsDeny(string? existing, string bucket)
        {
            JsonObject policy;
            try { policy = (string.IsNullOrWhiteSpace(existing) ? null : JsonNode.Parse(existing!) as JsonObject) ?? new JsonObject { ["Version"] = "2012-10-17" }; }
            catch (JsonException) { policy = new JsonObject { ["Version"] = "2012-10-17" }; }
            var statements = policy["Statement"] as JsonArray ?? new JsonArray();
            if (policy["Statement"] is JsonObject single) { policy.Remove("Statement"); statements.Add(single); }
            policy.Remove("Statement");
            foreach (var old in statements.Where(s => s?["Sid"]?.GetValue<string>() == TlsStatementId).ToList()) statements.Remove(old);
            statements.Add(new JsonObject
            {
                ["Sid"] = TlsStatementId,
                ["Effect"] = "Deny",
                ["Principal"] = "*",
                ["Action"] = "s3:*",
                ["Resource"] = new JsonArray($"arn:aws:s3:::{bucket}", $"arn:aws:s3:::{bucket}/*"),
                ["Condition"] = new JsonObject { ["Bool"] = new JsonObject { ["aws:SecureTransport"] = "false" } },
            });
            policy["Statement"] = statements;
            return policy.ToJsonString();
        }
    }
}
