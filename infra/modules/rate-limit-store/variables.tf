variable "name" {
  description = "Replication group id (<project>-<environment>, at most 40 characters) and prefix of its other resources."
  type        = string
}

variable "vpc_id" {
  description = "VPC of the store's security group."
  type        = string
}

variable "subnet_ids" {
  description = "Private subnets of the nodes."
  type        = list(string)
}

variable "kms_key_arn" {
  description = "KMS key that encrypts the nodes' storage and the URI secret."
  type        = string
}

variable "engine_version" {
  description = "Valkey version."
  type        = string
  default     = "8.0"
}

variable "parameter_group_name" {
  description = "Parameter group of engine_version."
  type        = string
  default     = "default.valkey8"
}

variable "node_type" {
  description = "Node type; rate-limit counters need little memory."
  type        = string
  default     = "cache.t4g.micro"
}

variable "nodes" {
  description = "Nodes: 1, or 2 and more for a replica in another AZ with automatic failover."
  type        = number
  default     = 1

  validation {
    condition     = var.nodes >= 1 && var.nodes <= 6
    error_message = "Use 1 to 6 nodes."
  }
}

variable "port" {
  description = "Port the store listens on."
  type        = number
  default     = 6379
}

variable "recovery_window_days" {
  description = "Days the URI secret stays recoverable after deletion (0 deletes at once)."
  type        = number
  default     = 30
}

variable "tags" {
  description = "Tags added to every resource."
  type        = map(string)
  default     = {}
}
