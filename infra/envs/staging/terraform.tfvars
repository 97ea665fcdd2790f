# Values of the staging environment that are not secrets. Set certificate_arn to serve HTTPS.
environment        = "staging"
region             = "eu-west-1"
availability_zones = ["eu-west-1a", "eu-west-1b"]

tags = {
  Owner = "platform"
}
