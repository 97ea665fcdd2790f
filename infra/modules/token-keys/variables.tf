variable "name" {
  description = "Prefix of the secret names: <name>/auth-signing-key and <name>/auth-public-keys."
  type        = string
}

variable "kms_key_arn" {
  description = "KMS key that encrypts both secrets."
  type        = string
}

variable "recovery_window_days" {
  description = "Days a deleted secret stays recoverable (0 deletes at once)."
  type        = number
  default     = 30
}

variable "tags" {
  description = "Tags added to every resource."
  type        = map(string)
  default     = {}
}
