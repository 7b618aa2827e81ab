require "digest"

class SessionStore
  def session_id(user_id, secret)
    Digest::SHA1.hexdigest("#{user_id}:#{secret}")
  end
end
