variable "name" {
  description = "Prefix of every resource name, for example api-staging."
  type        = string
}

variable "cidr_block" {
  description = "IPv4 range of the VPC; split into one public and one private /20 per availability zone."
  type        = string
  default     = "10.0.0.0/16"
}

variable "availability_zones" {
  description = "Availability zones to spread the subnets over; at least two."
  type        = list(string)

  validation {
    condition     = length(var.availability_zones) >= 2
    error_message = "Give at least two availability zones."
  }
}

variable "nat_gateways" {
  description = "NAT gateways for the private subnets: none (tasks reach AWS through the VPC endpoints and nothing else), single (one shared, in the first AZ) or per_az."
  type        = string
  default     = "none"

  validation {
    condition     = contains(["none", "single", "per_az"], var.nat_gateways)
    error_message = "Use none, single or per_az."
  }
}

variable "interface_endpoints" {
  description = "AWS services reached through interface endpoints in the private subnets (S3 always has a gateway endpoint); the default is what a Fargate task needs to start: its image, logs and secrets."
  type        = list(string)
  default     = ["ecr.api", "ecr.dkr", "logs", "secretsmanager"]
}

variable "flow_log_retention_days" {
  description = "Days to keep VPC flow logs in CloudWatch Logs."
  type        = number
  default     = 365
}

variable "kms_key_arn" {
  description = "KMS key that encrypts the flow log group."
  type        = string
}

variable "tags" {
  description = "Tags added to every resource."
  type        = map(string)
  default     = {}
}
