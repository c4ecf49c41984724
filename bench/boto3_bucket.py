"""What the boto3 side of the benchmarks sends to provision one bucket as New-MlBucket does, in order: the bucket,
its settings, its declaration. Imported by fleet.py and by pipeline.py's child process (it imports nothing itself,
so the child's timed start-up stays boto3's own)."""


def settle(client, bucket):
    client.create_bucket(Bucket=bucket, ObjectOwnership="BucketOwnerEnforced")
    client.put_public_access_block(Bucket=bucket, PublicAccessBlockConfiguration={k: True for k in ("BlockPublicAcls", "IgnorePublicAcls", "BlockPublicPolicy", "RestrictPublicBuckets")})
    client.put_bucket_encryption(Bucket=bucket, ServerSideEncryptionConfiguration={"Rules": [{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}]})
    client.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
    client.put_bucket_tagging(Bucket=bucket, Tagging={"TagSet": [{"Key": "managed-by", "Value": "S3MlLayout"}]})
    client.put_bucket_lifecycle_configuration(Bucket=bucket, LifecycleConfiguration={"Rules": [{"ID": "abort", "Status": "Enabled", "Filter": {"Prefix": ""},
                                                                                                "AbortIncompleteMultipartUpload": {"DaysAfterInitiation": 7}}]})
    client.put_object(Bucket=bucket, Key=".s3mllayout/declared/bucket.json", Body=b"{}")


# Row 2 of pipeline.py: the requests `Import-MlTenant | New-MlBucket | Add-MlSolution` sends to one new bucket, in
# its order, each step's independent requests at once (as the module sends them); `send` runs a list of calls at once
# through the shared pool of 64 and returns their results.
SETTINGS_READ = ("get_public_access_block", "get_bucket_ownership_controls", "get_bucket_encryption", "get_bucket_policy",
                 "get_bucket_versioning", "get_bucket_tagging", "get_bucket_lifecycle_configuration")


def _absent(call):
    """A read that may answer 404 (no bucket yet, no policy), as the module's reads may."""
    def run():
        try:
            return call()
        except Exception as error:  # botocore's ClientError, imported by the caller's boto3
            if getattr(error, "response", {}).get("ResponseMetadata", {}).get("HTTPStatusCode") != 404:
                raise
    return run


def provision_like_the_pipeline(client, bucket, keys, solutions, send):
    send([_absent(lambda: client.get_bucket_location(Bucket=bucket))])
    send([lambda: client.create_bucket(Bucket=bucket)])
    send([lambda: client.put_object(Bucket=bucket, Key=".s3mllayout/declared/bucket.json", Body=b"{}")])
    send([
        lambda: client.put_public_access_block(Bucket=bucket, PublicAccessBlockConfiguration={k: True for k in ("BlockPublicAcls", "IgnorePublicAcls", "BlockPublicPolicy", "RestrictPublicBuckets")}),
        lambda: client.put_bucket_ownership_controls(Bucket=bucket, OwnershipControls={"Rules": [{"ObjectOwnership": "BucketOwnerEnforced"}]}),
        lambda: client.put_bucket_encryption(Bucket=bucket, ServerSideEncryptionConfiguration={"Rules": [{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}]}),
        lambda: client.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"}),
        lambda: client.put_bucket_tagging(Bucket=bucket, Tagging={"TagSet": [{"Key": "managed-by", "Value": "S3MlLayout"}]}),
        lambda: client.put_bucket_lifecycle_configuration(Bucket=bucket, LifecycleConfiguration={"Rules": [{"ID": "abort", "Status": "Enabled", "Filter": {"Prefix": ""},
                                                                                                           "AbortIncompleteMultipartUpload": {"DaysAfterInitiation": 7}}]}),
    ])
    send([_absent(lambda name=name: getattr(client, name)(Bucket=bucket)) for name in SETTINGS_READ])
    audit = lambda name: lambda: client.put_object(Bucket=bucket, Key=f".s3mllayout/audit/{name}.json", Body=b"{}")
    # New-MlBucket's audit record goes while Add-MlSolution checks the bucket still exists (it reads nothing else of a
    # bucket made moments ago upstream), then declares the solutions.
    send([audit("new-mlbucket"), lambda: client.get_bucket_location(Bucket=bucket)])
    send([lambda s=s: client.put_object(Bucket=bucket, Key=f".s3mllayout/declared/solutions/{s}.json", Body=b"{}") for s in solutions])
    send([lambda s=s: client.put_object(Bucket=bucket, Key=f".s3mllayout/contracts/{s}.md", Body=b"#") for s in solutions] +
         [lambda k=k: client.put_object(Bucket=bucket, Key=k, Body=b"") for k in keys])
    send([audit("add-mlsolution")])
