# What a sysadmin would write to answer "who logged in how often, and what
# got deleted?" from an SFTP log: sessions per user, and every removal with
# its time, host, user and path. Handles traditional ("Nov  2 10:00:00 host
# tag[pid]: ...") and RFC 3339 ("2026-11-02T10:00:00.123+01:00 host ...")
# headers. Run with mawk:  mawk -f tests/bench/sessions.awk /var/log/sftp.log
{
	# where the tag is: field 5 (traditional) or 3 (RFC 3339)
	if ($1 ~ /^[A-Z]/) { t = 5; when = $1 " " $2 " " $3 } else { t = 3; when = $1 }
	if ($t !~ /^(internal-sftp|sftp-server)\[/) next
	key = $(t - 1) " " $t           # host and tag[pid]:
	msg = $(t + 1)
	if (msg == "session") {
		if ($(t + 2) == "opened") {
			u = $(t + 6)
			user[key] = u
			sessions[u]++
		} else if ($(t + 2) == "closed") {
			delete user[key]
		}
	} else if ((msg == "remove" || msg == "rmdir") && $(t + 2) == "name") {
		if (match($0, /".*"$/))
			path = substr($0, RSTART + 1, RLENGTH - 2)
		else
			path = "?"
		u = (key in user) ? user[key] : "?"
		nrm++
		print when, $(t - 1), u, msg, path
	}
}
END {
	print "--- sessions per user"
	for (u in sessions) {
		print u, sessions[u]
		total += sessions[u]
	}
	print "--- " total " sessions, " nrm + 0 " removals"
}
