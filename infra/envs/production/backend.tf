# State of production: bucket and region come from -backend-config at init, so no account-specific
# name is in the repository; use_lockfile is S3-native state locking.
terraform {
  backend "s3" {
    key          = "api/production.tfstate"
    encrypt      = true
    use_lockfile = true
  }
}
