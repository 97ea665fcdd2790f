# Values of the production environment that are not secrets. certificate_arn is required:
# add it here (arn:aws:acm:<region>:<account>:certificate/<id>) after requesting it in ACM.
environment        = "production"
region             = "eu-west-1"
availability_zones = ["eu-west-1a", "eu-west-1b", "eu-west-1c"]

tags = {
  Owner = "platform"
}
