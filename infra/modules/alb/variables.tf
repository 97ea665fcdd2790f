variable "name" {
  description = "Name of the load balancer and prefix of its other resources (at most 28 characters)."
  type        = string
}

variable "vpc_id" {
  description = "VPC of the load balancer and its target group."
  type        = string
}

variable "subnet_ids" {
  description = "Public subnets, in at least two availability zones, that the load balancer listens in."
  type        = list(string)
}

variable "certificate_arn" {
  description = "ACM certificate for the HTTPS listener. null is HTTP-only mode: port 80 forwards to the service and nothing listens on 443 (for environments without a domain)."
  type        = string
  default     = null
}

variable "ssl_policy" {
  description = "TLS policy of the HTTPS listener."
  type        = string
  default     = "ELBSecurityPolicy-TLS13-1-2-2021-06"
}

variable "ingress_cidr_blocks" {
  description = "IPv4 ranges that may reach the listeners."
  type        = list(string)
  default     = ["0.0.0.0/0"]
}

variable "deletion_protection" {
  description = "Refuse to delete the load balancer until this is turned off."
  type        = bool
  default     = true
}

variable "access_logs_retention_days" {
  description = "Days the access logs are kept in the load balancer's own bucket (<name>-alb-logs-<account>); 0 turns access logs off and creates no bucket."
  type        = number
  default     = 90
}

variable "access_logs_force_destroy" {
  description = "Let terraform destroy delete the access log bucket with the logs in it."
  type        = bool
  default     = false
}

variable "web_acl_arn" {
  description = "WAF web ACL in front of the load balancer (modules/waf)."
  type        = string
}

variable "tags" {
  description = "Tags added to every resource."
  type        = map(string)
  default     = {}
}
